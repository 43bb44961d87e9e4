// Command console serves the KMS and Secrets Manager cost estimator and purchase
// console. main only wires: run parses the configuration, builds the parts and serves
// until the context ends, so tests can run the whole program in-process.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"

	"kmsconsole/handlers"
	"kmsconsole/metrics"
	"kmsconsole/pricing"
	"kmsconsole/static"
	"kmsconsole/store"
	"kmsconsole/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal starts the graceful stop, a second one kills at once.
	context.AfterFunc(ctx, stop)
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "user":
		err = runUser(ctx, os.Args[2:], os.Getenv, os.Stdin, os.Stdout)
	case len(os.Args) > 1 && os.Args[1] == "version":
		err = runVersion(os.Stdout)
	case len(os.Args) > 1 && os.Args[1] == "pricebook":
		err = runPricebook(os.Args[2:], os.Stdout)
	case len(os.Args) > 1 && os.Args[1] == "backup":
		err = runBackup(ctx, os.Args[2:], os.Getenv, os.Stdout)
	case len(os.Args) > 1 && os.Args[1] == "restore":
		err = runRestore(ctx, os.Args[2:], os.Getenv, os.Stdout)
	default:
		tuneGC(os.Getenv)
		err = run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "console:", err)
		var be bookError
		if errors.As(err, &be) {
			os.Exit(2) // a price book that does not validate, as the operator's scripts expect
		}
		os.Exit(1)
	}
}

// serverGCPercent is the server's garbage collection target unless GOGC says
// otherwise. The console's live heap is small (tens of MB) and every request
// allocates (a page is about 100 kB of garbage), so at Go's default of 100 the
// collector ran many times a second under load: about a tenth of the CPU, and stack
// shrinking that the next requests paid to undo. At 200 it runs a third as often for
// a heap that peaks at about three times the live data. 400 gained more (15 to 25 % in
// requests a second) but made the resident memory swing by up to 22 % in the load
// run's 60 s soak, past the 20 % the soak allows; 200 stayed within 15 %
// (docs/performance.md).
const serverGCPercent = 200

// tuneGC sets serverGCPercent, leaving an operator's GOGC (and GOMEMLIMIT) in force.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}

// run is the whole program: it returns when ctx ends and the in-flight requests are
// answered, or on the first error.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := parseConfig(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil // -h: the usage is printed
	}
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.logLevel}))

	if err := os.MkdirAll(cfg.dataDir, 0o750); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	if cfg.databaseURL == "" { // one server per SQLite data directory; a restore waits for none
		unlock, err := store.LockDataDir(cfg.dataDir)
		if err != nil {
			return err
		}
		defer unlock()
		if err := store.CheckWritable(cfg.dataDir); err != nil {
			return err
		}
	}
	st, err := store.Open(ctx, cfg.dataDir, cfg.databaseURL, log)
	if err != nil {
		return err
	}
	defer st.Close()
	assets, err := static.Load(static.Embedded())
	if err != nil {
		return err
	}
	book, err := loadBook(cfg.priceBook)
	if err != nil {
		return err
	}
	// The handlers and the session manager refer to each other (a session error is
	// answered with a page), hence the handlers first and the sessions set after.
	var h *handlers.Handlers
	version, commit := buildVersion()
	met := metrics.New(prometheus.NewRegistry(), metrics.Build{Version: version, Commit: commit,
		PriceBook: func() string { return h.Book().Version }})
	if p, ok := st.(interface{ PoolStats() []store.PoolStats }); ok {
		met.Pools(p.PoolStats)
	}
	deps := handlers.Deps{Logger: log, Assets: assets, Book: book, Orders: st, Reps: st, Quotes: st, DB: st, Throttle: st, Metrics: met,
		SecureCookies: cfg.secure, TrustedProxies: cfg.proxies}
	sessions := web.NewSessions(st.SessionStore(), web.SessionOptions{Secure: cfg.secure, Gob: cfg.gobSessions, Log: log}, func(w http.ResponseWriter, r *http.Request, err error) {
		h.SessionError(w, r, err)
	})
	deps.Sessions = sessions
	h = handlers.New(deps)
	srv := web.NewServer(web.Deps{Logger: log, Handlers: h, Assets: assets, Sessions: sessions, Metrics: met,
		AnswerCacheBytes: int64(cfg.answerCache) << 20})

	// Listen before logging, so the log shows the real port when -addr asks for :0.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	metricsAddr := "off"
	if cfg.metricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.metricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("metrics: %w", err)
		}
		metricsAddr = mln.Addr().String()
		stopMetrics := serveMetrics(log, mln, met.Handler(), cfg.pprof)
		defer stopMetrics()
	}
	log.Info("console listening",
		"addr", ln.Addr().String(),
		"metrics_addr", metricsAddr,
		"data_dir", cfg.dataDir,
		"store", cfg.storeKind(),
		"price_book", cfg.priceBookSource(),
		"price_book_version", book.Version,
		"log_level", cfg.logLevel.String(),
		"trusted_proxies", cfg.proxies.String(),
		"answer_cache_mib", cfg.answerCache)
	rl := reloader{log: log, path: cfg.priceBook, set: h.SetBook}
	go rl.onHangup(ctx)
	if cfg.watchBook {
		go rl.onChange(ctx, watchInterval)
	}
	return serve(ctx, log, ln, srv, cfg.drain, h.Drain)
}

// loadBook reads the operator's price book file, or the embedded one without a file.
func loadBook(path string) (*pricing.Book, error) {
	if path == "" {
		return pricing.EmbeddedBook()
	}
	return pricing.LoadBook(path)
}
