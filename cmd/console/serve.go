package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// shutdownTimeout bounds how long a stop waits for in-flight requests: longer than
// any request should take, shorter than an orchestrator's kill timeout (often 30s).
const shutdownTimeout = 10 * time.Second

// serve answers requests on ln with h until ctx ends, then stops taking new
// connections and waits for the requests in flight to finish.
//
// With a drain period, the stop first calls drain (readiness turns 503) and keeps
// serving that long, so that a load balancer moves traffic away before connections
// are refused.
func serve(ctx context.Context, log *slog.Logger, ln net.Listener, h http.Handler, drainFor time.Duration, drain func()) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Request contexts do not derive from ctx: a stop must let requests finish,
		// not cancel them.
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err // Serve failed before any stop was asked for
	case <-ctx.Done():
	}

	if drain != nil {
		drain()
	}
	if drainFor > 0 {
		log.Info("console draining", "for", drainFor.String())
		time.Sleep(drainFor)
	}
	log.Info("console stopping", "timeout", shutdownTimeout.String())
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(stopCtx); err != nil {
		_ = srv.Close() // the time is up: drop what is left
		return fmt.Errorf("graceful stop: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("console stopped")
	return nil
}

// serveMetrics answers Prometheus on its own listener, apart from the public one, until
// the returned stop is called. It keeps answering while the console drains, so the
// last figures of a stopping process can still be scraped. With withPprof it serves
// Go's profiles there too (`go tool pprof http://ADDR/debug/pprof/profile?seconds=10`):
// they cost nothing until one is asked for, and a CPU profile must end within the
// listener's 30 s write timeout.
func serveMetrics(log *slog.Logger, ln net.Listener, h http.Handler, withPprof bool) (stop func()) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	if withPprof {
		// Not /debug/pprof/cmdline: a -database-url given as a flag holds a password.
		mux.HandleFunc("GET /debug/pprof/", pprof.Index) // and the named profiles, heap, goroutine…
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("POST /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener failed", "err", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
		<-done
	}
}
