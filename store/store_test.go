package store_test

import (
	"context"
	"strings"
	"testing"

	"kmsconsole/store"
	"kmsconsole/store/storetest"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (string, string) { return t.TempDir(), "" })
}

func TestPostgres(t *testing.T) {
	storetest.PostgresURL(t) // skips without TEST_DATABASE_URL
	storetest.Run(t, func(t *testing.T) (string, string) { return "", storetest.PostgresURL(t) })
}

func TestOpenRefusesAnUnknownDatabaseURL(t *testing.T) {
	for _, url := range []string{"mysql://root@localhost/db", "sqlite:///tmp/x.db", "host=localhost dbname=x"} {
		_, err := store.Open(context.Background(), t.TempDir(), url, nil)
		if err == nil || !strings.Contains(err.Error(), "postgres://") {
			t.Errorf("Open(%q): err = %v, want one naming postgres://", url, err)
		}
	}
}
