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
	"syscall"

	"kmsconsole/handlers"
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
	default:
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
	deps := handlers.Deps{Logger: log, Assets: assets, Book: book, Orders: st, Reps: st, Quotes: st, DB: st}
	var h *handlers.Handlers
	sessions := web.NewSessions(st.SessionStore(), cfg.secure, func(w http.ResponseWriter, r *http.Request, err error) {
		h.SessionError(w, r, err)
	})
	deps.Sessions = sessions
	h = handlers.New(deps)
	srv := web.NewServer(web.Deps{Logger: log, Handlers: h, Assets: assets, Sessions: sessions})

	// Listen before logging, so the log shows the real port when -addr asks for :0.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	log.Info("console listening",
		"addr", ln.Addr().String(),
		"data_dir", cfg.dataDir,
		"store", cfg.storeKind(),
		"price_book", cfg.priceBookSource(),
		"price_book_version", book.Version,
		"log_level", cfg.logLevel.String())
	go reloadOnHangup(ctx, log, cfg.priceBook, h.SetBook)
	return serve(ctx, log, ln, srv, cfg.drain, h.Drain)
}

// loadBook reads the operator's price book file, or the embedded one without a file.
func loadBook(path string) (*pricing.Book, error) {
	if path == "" {
		return pricing.EmbeddedBook()
	}
	return pricing.LoadBook(path)
}

// reloadOnHangup reads the price book file again on every SIGHUP until ctx ends. The
// new book is validated first: a bad file is refused with a log line and the book in
// force stays. Without a file (the embedded book) there is nothing to reload.
func reloadOnHangup(ctx context.Context, log *slog.Logger, path string, set func(*pricing.Book)) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		if path == "" {
			log.Warn("SIGHUP: no price book file to reload; the embedded book stays in force")
			continue
		}
		b, err := pricing.LoadBook(path)
		if err != nil {
			log.Error("SIGHUP: price book refused; the book in force stays", "err", err)
			continue
		}
		set(b)
		log.Info("price book reloaded", "path", path, "version", b.Version, "effective", b.Effective)
	}
}
