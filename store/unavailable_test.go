package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/shopspring/decimal"

	"kmsconsole/internal/testenv"
)

func testOrder(key string) Order {
	return Order{Owner: "session-a", IdempotencyKey: key, MonthlyTotal: decimal.RequireFromString("1.00")}
}

func TestPostgresServerErrorsThatMeanUnavailable(t *testing.T) {
	for code, want := range map[string]bool{
		"08006": true,  // connection failure
		"57P01": true,  // admin shutdown
		"57P03": true,  // cannot connect now (starting up)
		"53300": true,  // too many connections
		"53100": true,  // disk full
		"23505": false, // unique violation: a bug, not an outage
		"42P01": false, // undefined table
	} {
		err := fmt.Errorf("exec: %w", &pgconn.PgError{Code: code})
		if got := unavailable(err); got != want {
			t.Errorf("SQLSTATE %s: unavailable = %v, want %v", code, got, want)
		}
	}
}

func TestSQLiteBusyPastTheTimeoutIsUnavailable(t *testing.T) {
	dir := t.TempDir()
	s, err := openSQLite(t.Context(), dir, slog.New(slog.DiscardHandler), sqliteOptions{busyTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// Another process holds the write lock.
	other, err := sql.Open("sqlite", filepath.Join(dir, "console.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.PlaceOrder(t.Context(), testOrder("key-1")); !errors.Is(err, ErrUnavailable) {
		t.Errorf("PlaceOrder while locked: err = %v, want ErrUnavailable", err)
	}
	if _, err := conn.ExecContext(t.Context(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if _, _, err := s.PlaceOrder(t.Context(), testOrder("key-1")); err != nil {
		t.Errorf("PlaceOrder after the lock was released: %v", err)
	}
}

// TestPostgresPoolRecoversWhenTheServerComesBack stops a private PostgreSQL server
// under an open store, then starts it again.
func TestPostgresPoolRecoversWhenTheServerComesBack(t *testing.T) {
	pg := startPrivatePostgres(t)
	ctx := t.Context()
	s, err := openPostgres(ctx, pg.url, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before, _, err := s.PlaceOrder(ctx, testOrder("before"))
	if err != nil {
		t.Fatal(err)
	}

	pg.ctl(t, "stop", "-m", "fast")
	if err := s.Ping(ctx); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Ping with the server down: err = %v, want ErrUnavailable", err)
	}
	if _, _, err := s.PlaceOrder(ctx, testOrder("during")); !errors.Is(err, ErrUnavailable) {
		t.Errorf("PlaceOrder with the server down: err = %v, want ErrUnavailable", err)
	}
	if _, err := s.Order(ctx, before.ID); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Order with the server down: err = %v, want ErrUnavailable", err)
	}

	pg.ctl(t, "start")
	deadline := time.Now().Add(15 * time.Second)
	for s.Ping(ctx) != nil && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if _, _, err := s.PlaceOrder(ctx, testOrder("after")); err != nil {
		t.Errorf("PlaceOrder after the server came back: %v", err)
	}
	if _, err := s.Order(ctx, before.ID); err != nil {
		t.Errorf("Order after the server came back: %v", err)
	}
}

type privatePostgres struct {
	bin, dir, url string // bin: PostgreSQL's server binaries
	port          int
}

// startPrivatePostgres runs a throwaway server (as the postgres user: PostgreSQL
// refuses to run as root) so that stopping it disturbs nobody.
func startPrivatePostgres(t *testing.T) *privatePostgres {
	bin := testenv.PostgresBin()
	if bin == "" {
		testenv.Skip(t, "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
	}
	if os.Geteuid() != 0 {
		testenv.Skip(t, "starting a private PostgreSQL needs root (to run it as the postgres user)")
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		testenv.Skip(t, "no postgres user")
	}
	dir, err := os.MkdirTemp("", "store-pgfault-")
	if err != nil {
		t.Fatal(err)
	}
	var uid, gid int
	fmt.Sscan(u.Uid, &uid)
	fmt.Sscan(u.Gid, &gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	pg := &privatePostgres{bin: bin, dir: dir, port: port,
		url: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)}
	run(t, "runuser", "-u", "postgres", "--", filepath.Join(bin, "initdb"),
		"-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync")
	t.Cleanup(func() {
		exec.Command("runuser", "-u", "postgres", "--", filepath.Join(bin, "pg_ctl"),
			"-D", filepath.Join(dir, "data"), "stop", "-m", "immediate").Run()
		os.RemoveAll(dir)
	})
	pg.ctl(t, "start")
	return pg
}

func (pg *privatePostgres) ctl(t *testing.T, args ...string) {
	t.Helper()
	cmd := []string{"-u", "postgres", "--", filepath.Join(pg.bin, "pg_ctl"),
		"-D", filepath.Join(pg.dir, "data"), "-w", "-l", filepath.Join(pg.dir, "log")}
	if args[0] == "start" {
		cmd = append(cmd, "-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", pg.port, pg.dir))
	}
	run(t, "runuser", append(cmd, args...)...)
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}
