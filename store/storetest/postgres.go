package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kmsconsole/internal/testenv"
)

// EnvDatabaseURL names the variable that points the tests at a PostgreSQL server.
const EnvDatabaseURL = "TEST_DATABASE_URL"

// PostgresURL creates a database of its own for the test (t_<random>) on the server
// at $TEST_DATABASE_URL, drops it when the test ends, and returns its URL. Without
// the variable the test is skipped (failed where TEST_REQUIRE_ALL=1: package testenv).
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv(EnvDatabaseURL)
	if admin == "" {
		testenv.Skip(tb, EnvDatabaseURL+" is not set: skipping PostgreSQL "+
			"(e.g. "+EnvDatabaseURL+"=postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatalf("%s: %v", EnvDatabaseURL, err)
	}
	var b [8]byte
	rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Fatalf("connect to %s: %v", EnvDatabaseURL, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			tb.Errorf("drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		// FORCE: a pool a failed test left open must not keep the database alive.
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
