package systemtest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kmsconsole/internal/testenv"
	"kmsconsole/internal/testserver"
)

// privatePostgres is a PostgreSQL server of the test's own, which the test may stop
// and start (the machine's shared server must never be stopped by a test).
type privatePostgres struct {
	t    *testing.T
	bin  string // PostgreSQL's server binaries
	dir  string
	port int
	URL  string
}

// startPrivatePostgres initialises and starts a server in a temporary folder. It
// skips the test where that cannot be done here (no PostgreSQL server binaries, not
// root to run them as the postgres user), or fails it where every test must run
// (testenv.Skip).
func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	bin := testenv.PostgresBin()
	if bin == "" {
		testenv.Skip(t, "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
	}
	if os.Geteuid() != 0 {
		testenv.Skip(t, "a private PostgreSQL needs root to run it as the postgres user")
	}
	pgUser, err := user.Lookup("postgres")
	if err != nil {
		testenv.Skip(t, "no postgres user")
	}
	dir, err := os.MkdirTemp("", "kmsconsole-pg-")
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(pgUser.Uid)
	gid, _ := strconv.Atoi(pgUser.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	addr := testserver.FreeAddr(t)
	port, _ := strconv.Atoi(addr[strings.LastIndex(addr, ":")+1:])
	p := &privatePostgres{t: t, bin: bin, dir: dir, port: port,
		URL: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)}
	p.run("initdb", "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "postgres")
	p.Start()
	t.Cleanup(func() {
		p.Stop()
		os.RemoveAll(dir)
	})
	return p
}

func (p *privatePostgres) run(tool string, args ...string) {
	p.t.Helper()
	cmd := exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(p.bin, tool)}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		p.t.Fatalf("%s: %v\n%s", tool, err, out)
	}
}

// Start starts the server and waits until it accepts connections.
func (p *privatePostgres) Start() {
	p.t.Helper()
	p.run("pg_ctl", "-D", filepath.Join(p.dir, "data"), "-l", filepath.Join(p.dir, "log"), "-w",
		"-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", p.port, p.dir), "start")
}

// Stop stops the server at once, as an outage would.
func (p *privatePostgres) Stop() {
	p.t.Helper()
	cmd := exec.Command("runuser", "-u", "postgres", "--", filepath.Join(p.bin, "pg_ctl"),
		"-D", filepath.Join(p.dir, "data"), "-m", "immediate", "-w", "stop")
	_ = cmd.Run() // already stopped is fine
}
