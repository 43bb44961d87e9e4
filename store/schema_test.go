package store_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"kmsconsole/store"
	"kmsconsole/store/storetest"
)

// migrationCount is how many migrations each dialect has; a new migration file
// changes it.
const migrationCount = 5

func TestOpeningTwiceRecordsEachMigrationOnce(t *testing.T) {
	count := func(t *testing.T, dir, url string) int {
		var n int
		if url == "" {
			db, err := sql.Open("sqlite", filepath.Join(dir, "console.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		conn, err := pgx.Connect(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(t.Context())
		if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for name, db := range map[string]func(t *testing.T) (string, string){
		"sqlite":   func(t *testing.T) (string, string) { return t.TempDir(), "" },
		"postgres": func(t *testing.T) (string, string) { return "", storetest.PostgresURL(t) },
	} {
		t.Run(name, func(t *testing.T) {
			dir, url := db(t)
			for range 2 {
				s, err := store.Open(t.Context(), dir, url, nil)
				if err != nil {
					t.Fatal(err)
				}
				s.Close()
				if n := count(t, dir, url); n != migrationCount {
					t.Errorf("%d rows in schema_migrations, want %d", n, migrationCount)
				}
			}
		})
	}
}

// A NUMERIC column in SQLite would keep "22380.00" as the float 22380.0.
func TestSQLiteKeepsMoneyAsText(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(t.Context(), dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.PlaceOrder(t.Context(), storetest.SampleOrder("session-a", "key-1")); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "console.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var typ, monthly, upfront string
	err = db.QueryRow(`SELECT typeof(monthly_total), monthly_total, upfront_total FROM orders`).Scan(&typ, &monthly, &upfront)
	if err != nil {
		t.Fatal(err)
	}
	if typ != "text" || monthly != "1868.34" || upfront != "22380.00" {
		t.Errorf("stored %s %q, %q; want text \"1868.34\", \"22380.00\"", typ, monthly, upfront)
	}
}
