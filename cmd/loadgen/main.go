// Command loadgen measures the console over loopback HTTP, against the real binary:
// the quote API, the live fragment and the estimator page (each for one estimate asked
// for again and again, which the console's answer cache serves, and for a new
// estimate every time, which it cannot), and order placement (SQLite, and PostgreSQL
// when a database URL is given), each for a fixed time with a fixed
// number of connections, and a bare chi handler that writes "ok" in a process of its
// own, whose req/s is the ceiling every other figure is divided by. The ratios hold
// across machines where the raw figures do not. A soak of mixed load watches the
// console's resident memory.
//
// It prints a table (req/s, p50, p99, CPU per request, ratio, target, PASS or MISS),
// the same figures as benchmark lines for benchstat, the check that the database holds
// exactly the orders acknowledged, and the memory soak. It exits non-zero only when it
// cannot measure or a check fails; a missed target is printed as MISS.
//
//	go run ./cmd/loadgen                 # 10 s per scenario, 60 s soak (make bench)
//	go run ./cmd/loadgen -quick          # 2 s per scenario, no soak
//	TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable go run ./cmd/loadgen
//
// See docs/performance.md for what is timed and the latest figures.
package main

import (
	"context"
	"debug/buildinfo"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"kmsconsole/internal/testserver"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == bareCommand {
		if err := serveBare(); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen bare:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

type config struct {
	console     string
	conns       int
	duration    time.Duration
	warmup      time.Duration
	soak        time.Duration
	databaseURL string
	pgPool      int
	keep        bool
	only        *regexp.Regexp // the scenarios to run; the bare handler always runs
	answerCache int            // the console's -answer-cache in MiB; -1: its default
}

// consoleFlags are the flags the consoles measured are started with, beyond their
// addresses and data directory.
func (c config) consoleFlags() []string {
	if c.answerCache < 0 {
		return nil
	}
	return []string{"-answer-cache", strconv.Itoa(c.answerCache)}
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	var quick bool
	var only string
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.console, "console", "", "console binary to measure (default: build ./cmd/console)")
	fs.IntVar(&c.conns, "c", 64, "connections (workers) per scenario")
	fs.IntVar(&c.answerCache, "answer-cache", -1, "MiB of the console's answer cache (0: none, to measure without it; -1: the console's default)")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "timed window of each scenario")
	fs.DurationVar(&c.warmup, "warmup", time.Second, "warm-up before each window, not counted")
	fs.DurationVar(&c.soak, "soak", 60*time.Second, "mixed load watching resident memory (0: none)")
	fs.BoolVar(&quick, "quick", false, "2 s per scenario after 0.5 s of warm-up, and no soak unless -soak is given")
	fs.StringVar(&c.databaseURL, "database-url", "", "PostgreSQL server for the order scenario on PostgreSQL, in a scratch database (default $TEST_DATABASE_URL; none: skipped)")
	fs.IntVar(&c.pgPool, "pg-pool", 0, "pool_max_conns of the console on PostgreSQL (0: the console's default)")
	fs.StringVar(&only, "run", "", "regular expression: run only the scenarios it matches (\"quote API\", \"live fragment\", \"estimator page\", each of them also \", each new\", \"orders SQLite\", \"orders PostgreSQL\"); the bare handler always runs")
	fs.BoolVar(&c.keep, "keep", false, "keep the temporary directory (console logs and SQLite database)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	var err error
	if c.only, err = regexp.Compile(only); err != nil {
		return c, fmt.Errorf("-run: %w", err)
	}
	if quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["duration"] {
			c.duration = 2 * time.Second
		}
		if !set["warmup"] {
			c.warmup = 500 * time.Millisecond
		}
		if !set["soak"] {
			c.soak = 0
		}
	}
	if c.databaseURL == "" {
		c.databaseURL = getenv("TEST_DATABASE_URL")
	}
	if c.conns < 1 || c.duration <= 0 || c.warmup < 0 || c.soak < 0 {
		return c, errors.New("-c, -duration must be positive; -warmup, -soak not negative")
	}
	return c, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (err error) {
	cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	progress := func(format string, a ...any) { fmt.Fprintf(stderr, "loadgen: "+format+"\n", a...) }

	dir, err := os.MkdirTemp("", "loadgen-")
	if err != nil {
		return err
	}
	if cfg.keep {
		defer progress("kept %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	fmt.Fprintln(stdout, machine())
	fmt.Fprintf(stdout, "load: %d connections, %s per scenario after %s of warm-up; load average before: %s\n",
		cfg.conns, cfg.duration, cfg.warmup, loadAverage())

	bin := cfg.console
	if bin == "" {
		root, err := moduleRoot()
		if err != nil {
			return err
		}
		progress("building ./cmd/console")
		if bin, err = testserver.Build(root, dir); err != nil {
			return err
		}
	}

	if info, err := buildinfo.ReadFile(bin); err == nil {
		fmt.Fprintf(stdout, "console: %s, built with %s\n", bin, info.GoVersion)
	}

	bare, err := startBare(ctx, dir, progress)
	if err != nil {
		return err
	}
	defer stopProcess(bare, &err)
	sqlite, err := startConsole(ctx, bin, dir, "console-sqlite", "", cfg.consoleFlags(), progress)
	if err != nil {
		return err
	}
	sqliteLedger := newLedger()
	sqliteStopped := false
	defer func() {
		if !sqliteStopped {
			stopProcess(sqlite, &err)
		}
	}()

	// Look at every answer once before measuring it.
	check := newClient(newTransport(1), nil)
	if err := bareScenario.check(ctx, check, bare.URL); err != nil {
		return err
	}
	for _, sc := range readScenarios {
		if err := sc.check(ctx, check, sqlite.URL); err != nil {
			return err
		}
	}

	w := window{Conns: cfg.conns, Warmup: cfg.warmup, Duration: cfg.duration}
	measure := func(sc readScenario, p *process) (Summary, error) {
		progress("%s: %s", sc.name, w.Duration)
		tr := newTransport(cfg.conns)
		defer tr.CloseIdleConnections()
		return runLoad(ctx, sc.name, w, sc.worker(newClient(tr, nil), p.URL), p.CPU)
	}

	// The bare handler runs before the first read scenario and after each one, and
	// each scenario is divided by the mean of the two runs around it: a machine
	// shared with other work changes speed within minutes, less within seconds.
	var runReads []readScenario
	for _, sc := range readScenarios {
		if cfg.only.MatchString(sc.name) {
			runReads = append(runReads, sc)
		}
	}
	measureBare := func(i int) (Summary, error) {
		s, err := measure(bareScenario, bare)
		s.Name += fmt.Sprintf(" #%d", i+1)
		return s, err
	}
	first, err := measureBare(0)
	if err != nil {
		return err
	}
	bares := []Summary{first}
	var reads []Row
	for i, sc := range runReads {
		s, err := measure(sc, sqlite)
		if err != nil {
			return err
		}
		b, err := measureBare(i + 1)
		if err != nil {
			return err
		}
		bares = append(bares, b)
		reads = append(reads, evaluate(s, ceilingOf(bares[i:i+2]), sc.target))
	}
	stopProcess(bare, &err)
	if err != nil {
		return err
	}
	ceiling := ceilingOf(bares)
	var rows []Row
	for i, b := range bares {
		rows = append(rows, evaluate(b, ceiling, Target{}))
		if i < len(reads) {
			rows = append(rows, reads[i])
		}
	}

	// Orders on SQLite, then on PostgreSQL.
	if cfg.only.MatchString("orders SQLite") {
		review, placed, err := measureOrders(ctx, cfg, sqlite, "SQLite", sqliteLedger, progress)
		if err != nil {
			return err
		}
		rows = append(rows, evaluate(review, ceiling, Target{}), evaluate(placed, ceiling, ordersTarget))
	}

	var verifications []Verification
	if cfg.databaseURL != "" && cfg.only.MatchString("orders PostgreSQL") {
		r, p, v, err := postgresOrders(ctx, cfg, bin, dir, progress)
		if err != nil {
			return err
		}
		rows = append(rows, evaluate(r, ceiling, Target{}), evaluate(p, ceiling, ordersTarget))
		verifications = append(verifications, v)
	}

	var soakRow *Row
	var soakResult SoakResult
	var series strings.Builder
	if cfg.soak > 0 {
		progress("soak: %s of mixed load, resident memory sampled every second", cfg.soak)
		tr := newTransport(cfg.conns)
		s, samples, err := soak(ctx, sqlite, tr, cfg.conns, cfg.soak, sqliteLedger, &series)
		tr.CloseIdleConnections()
		if err != nil {
			return err
		}
		r := evaluate(s, ceiling, Target{})
		soakRow = &r
		soakResult = evaluateSoak(samples, min(10*time.Second, cfg.soak/6), 0.20)
	}

	sqliteStopped = true
	if err := sqlite.stop(); err != nil {
		return err
	}
	ids, err := sqliteOrderIDs(ctx, sqlite.DataDir)
	if err != nil {
		return fmt.Errorf("count SQLite orders: %w", err)
	}
	verifications = append([]Verification{verify("SQLite", sqliteLedger, ids)}, verifications...)

	fmt.Fprintf(stdout, "load average after: %s\n\n", loadAverage())
	writeTable(stdout, rows)
	lo, hi := bares[0].RPS(), bares[0].RPS()
	for _, b := range bares {
		lo, hi = min(lo, b.RPS()), max(hi, b.RPS())
	}
	fmt.Fprintf(stdout, "\nceiling: each read scenario is divided by the mean of the bare runs just before and after it;\n"+
		"the %d bare runs: mean %.0f req/s and %s of CPU a request, from %.0f to %.0f req/s (%.0f%% apart)\n",
		len(bares), ceiling.RPS, us(ceiling.CPU), lo, hi, (hi/lo-1)*100)
	if cfg.databaseURL == "" {
		fmt.Fprintln(stdout, "orders on PostgreSQL: skipped (give -database-url or set TEST_DATABASE_URL)")
	}
	fmt.Fprintln(stdout, "\norders in the database (each acknowledged with 303 after its commit):")
	failed := false
	for _, v := range verifications {
		fmt.Fprintln(stdout, "  "+v.String())
		failed = failed || !v.OK()
	}
	if soakRow != nil {
		fmt.Fprintf(stdout, "\nsoak: %s of mixed load at %d connections on SQLite:\n", cfg.soak, cfg.conns)
		writeTable(stdout, []Row{*soakRow})
		fmt.Fprint(stdout, series.String())
		soakResult.write(stdout)
	}
	fmt.Fprintln(stdout, "\nbenchstat format:")
	all := rows
	if soakRow != nil {
		all = append(all, *soakRow)
	}
	writeBenchLines(stdout, all, runtime.GOMAXPROCS(0))
	if failed {
		return errors.New("the orders in the database are not the orders acknowledged")
	}
	return nil
}

// measureOrders fetches review forms (their own row), then posts them for the
// window: the durable orders a second.
func measureOrders(ctx context.Context, cfg config, p *process, db string, l *ledger, progress func(string, ...any)) (review, placed Summary, err error) {
	// Review forms for the warm-up and the window at up to 6,000 orders a second,
	// fetched for at most twice as long. Since group commit an order costs the
	// console less than its review page does (a new session is a write too): on a
	// fast machine, 3,000 forms a second for 1.5 times as long ran out half way
	// through the window (5,340 orders a second on SQLite).
	span := cfg.warmup + cfg.duration
	limit := int(span.Seconds() * 6000)
	progress("orders on %s: fetching review forms for up to %s", db, span*2)
	tr := newTransport(cfg.conns)
	defer tr.CloseIdleConnections()
	review, pool, err := prefetch(ctx, "review page ("+db+")", p, tr, cfg.conns, span*2, limit)
	if err != nil {
		return review, placed, err
	}
	progress("orders on %s: posting %d forms for %s", db, len(pool)*ordersPerSession, cfg.duration)
	w := window{Conns: cfg.conns, Warmup: cfg.warmup, Duration: cfg.duration}
	placed, err = runLoad(ctx, "orders ("+db+")", w, orderWorkers(p, pool, l), p.CPU)
	return review, placed, err
}

// postgresOrders runs a console on a scratch PostgreSQL database for the order
// scenario, checks the orders it holds, and drops it.
func postgresOrders(ctx context.Context, cfg config, bin, dir string, progress func(string, ...any)) (review, placed Summary, v Verification, err error) {
	dbURL, drop, err := scratchDatabase(ctx, cfg.databaseURL)
	if err != nil {
		return review, placed, v, err
	}
	defer func() {
		if dropErr := drop(); err == nil {
			err = dropErr
		}
	}()
	consoleURL, err := withPool(dbURL, cfg.pgPool)
	if err != nil {
		return review, placed, v, err
	}
	p, err := startConsole(ctx, bin, dir, "console-postgres", consoleURL, cfg.consoleFlags(), progress)
	if err != nil {
		return review, placed, v, err
	}
	l := newLedger()
	name := "PostgreSQL"
	if cfg.pgPool > 0 {
		name = fmt.Sprintf("PostgreSQL, pool %d", cfg.pgPool)
	}
	review, placed, err = measureOrders(ctx, cfg, p, name, l, progress)
	stopProcess(p, &err)
	if err != nil {
		return review, placed, v, err
	}
	ids, err := postgresOrderIDs(ctx, dbURL)
	if err != nil {
		return review, placed, v, fmt.Errorf("count PostgreSQL orders: %w", err)
	}
	return review, placed, verify(name, l, ids), nil
}

// ceilingOf is the mean of bare runs.
func ceilingOf(bares []Summary) Ceiling {
	var c Ceiling
	for _, b := range bares {
		c.RPS += b.RPS() / float64(len(bares))
		c.CPU += (b.ServerCPU + b.ClientCPU) / time.Duration(len(bares))
	}
	return c
}

// stopProcess stops p, keeping the first error in *err.
func stopProcess(p *process, err *error) {
	if stopErr := p.stop(); *err == nil {
		*err = stopErr
	}
}
