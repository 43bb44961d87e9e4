package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An order placed before the order desk existed reads back with no rep, no private
// link, an audit of its placement, and can be confirmed.
func TestOrdersFromBeforeTheDeskMigrateIntact(t *testing.T) {
	dir := t.TempDir()
	ms, err := migrations("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "console.db"))
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	for _, q := range []string{
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`,
		ms[0].sql,
		`INSERT INTO schema_migrations VALUES (1, '` + ms[0].name + `', '2025-06-01T00:00:00.000000Z')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	quote, _ := json.Marshal(struct{}{})
	_, err = db.Exec(`INSERT INTO orders (`+strings.TrimSuffix(sqliteOrderColumns, `, rep,
	quote_id, quote_version, view_key`)+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		"ord_old", created.Format(sqliteTime), StatusSubmitted, "session-a", "100012345678", "Zhang Wei",
		"zhang.wei@example.com", string(quote), "2025-06-01", "2025-05", "sha256:x", created.Format(sqliteTime),
		false, "1.00", "0.00", `["kms"]`, `["ap-guangzhou"]`, "key-old")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := openSQLite(t.Context(), dir, slog.New(slog.DiscardHandler), sqliteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	o, err := s.Order(t.Context(), "ord_old")
	if err != nil || o.Rep != "" || o.QuoteID != "" || o.QuoteVersion != 0 || o.ViewKey != "" || !o.CreatedAt.Equal(created) {
		t.Fatalf("old order = %+v, %v", o, err)
	}
	audit, err := s.OrderAudit(t.Context(), "ord_old")
	if err != nil || len(audit) != 1 || audit[0] != placement(created) {
		t.Errorf("old order's audit = %+v, %v; want its placement", audit, err)
	}
	if orders, total, err := s.ListOrders(t.Context(), OrderFilter{Product: "kms", Search: "ZHANG.WEI@example.com"}); err != nil || total != 1 || len(orders) != 1 {
		t.Errorf("ListOrders = %d orders, total %d, %v; want the old order", len(orders), total, err)
	}
	if _, err := s.SetOrderStatus(t.Context(), "ord_old", StatusConfirmed, "usr_x", "old PO"); err != nil {
		t.Errorf("confirming the old order: %v", err)
	}
	if _, err := s.SetOrderStatus(t.Context(), "ord_old", StatusCancelled, "usr_x", "again"); !errors.Is(err, ErrBadTransition) {
		t.Errorf("cancelling a confirmed order: err = %v, want ErrBadTransition", err)
	}
}
