package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"kmsconsole/internal/clientip"
)

// config is what the command line and the environment chose.
type config struct {
	addr        string
	dataDir     string
	databaseURL string // empty: SQLite in dataDir; set: PostgreSQL. Never logged.
	priceBook   string // empty: the price book compiled into the binary
	logLevel    slog.Level
	secure      bool // the console is served over TLS (by a proxy): Secure cookies
	drain       time.Duration
	metricsAddr string // "" serves no metrics
	pprof       bool   // serve net/http/pprof on the metrics listener
	watchBook   bool   // reload the price book file when it changes, not only on SIGHUP
	proxies     clientip.Proxies
	gobSessions bool // write sessions as consoles before the session codec read them
	answerCache int  // MiB of answers kept for the next identical request; 0: none
}

func parseConfig(args []string, getenv func(string) string, out io.Writer) (config, error) {
	cfg := config{logLevel: slog.LevelInfo}
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(out, `Usage:
  console [flags]                       serve the console (its flags below)
  console version                       the version, commit and embedded price book
  console pricebook check FILE          validate a price book file
  console pricebook diff OLD NEW        the prices that differ, and their effect
  console user add|list|disable|enable  sales reps (console user -h)
  console backup FILE                   copy the SQLite database (console backup -h)
  console restore [-force] FILE         replace the database with a backup (console restore -h)

Flags of the server:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "listen address (env ADDR)")
	fs.StringVar(&cfg.dataDir, "data", "./data", "data directory, created if missing (env DATA_DIR)")
	fs.StringVar(&cfg.databaseURL, "database-url", "", "PostgreSQL URL; empty uses SQLite in the data directory (env DATABASE_URL)")
	fs.StringVar(&cfg.priceBook, "price-book", "", "price book file; empty uses the embedded one (env PRICE_BOOK)")
	fs.Var((*levelFlag)(&cfg.logLevel), "log-level", "debug, info, warn or error (env LOG_LEVEL)")
	fs.DurationVar(&cfg.drain, "drain", 0, "on SIGTERM, keep serving this long with /readyz at 503 before stopping, e.g. 10s behind a load balancer (env DRAIN)")
	fs.StringVar(&cfg.metricsAddr, "metrics-addr", "127.0.0.1:9464", "listen address of /metrics for Prometheus, never the public one; off (or empty) serves none (env METRICS_ADDR)")
	fs.BoolVar(&cfg.pprof, "pprof", false, "also serve Go's profiles (/debug/pprof/) on the -metrics-addr listener (env PPROF)")
	fs.BoolVar(&cfg.watchBook, "watch-price-book", false, "reload the -price-book file when it changes, as well as on SIGHUP (env WATCH_PRICE_BOOK)")
	fs.Var((*proxiesFlag)(&cfg.proxies), "trusted-proxies", "addresses or CIDR ranges of the load balancers in front, comma-separated; the client address their X-Forwarded-For gives is what the sign-in throttle counts by (env TRUSTED_PROXIES)")
	fs.BoolVar(&cfg.secure, "secure-cookies", false, "mark cookies Secure, when the console is served over HTTPS (env SECURE_COOKIES)")
	fs.IntVar(&cfg.answerCache, "answer-cache", defaultAnswerCacheMiB, "MiB of memory for answers of the estimators and the quote API kept for the next identical request; 0 keeps none (env ANSWER_CACHE_MB)")
	fs.BoolVar(&cfg.gobSessions, "gob-sessions", false, "write sessions in the form consoles before 2026-11-26 read, while such a console shares the database (env GOB_SESSIONS)")

	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	// A flag on the command line wins over its environment variable, which wins over
	// the default. The variables are applied after parsing, to the flags not given,
	// rather than as defaults, so that -h never prints a DATABASE_URL's password.
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, fe := range []struct{ flag, env string }{
		{"addr", "ADDR"},
		{"data", "DATA_DIR"},
		{"database-url", "DATABASE_URL"},
		{"price-book", "PRICE_BOOK"},
		{"log-level", "LOG_LEVEL"},
		{"secure-cookies", "SECURE_COOKIES"},
		{"drain", "DRAIN"},
		{"metrics-addr", "METRICS_ADDR"},
		{"pprof", "PPROF"},
		{"watch-price-book", "WATCH_PRICE_BOOK"},
		{"trusted-proxies", "TRUSTED_PROXIES"},
		{"gob-sessions", "GOB_SESSIONS"},
		{"answer-cache", "ANSWER_CACHE_MB"},
	} {
		if v := getenv(fe.env); v != "" && !given[fe.flag] {
			if err := fs.Set(fe.flag, v); err != nil {
				return config{}, fmt.Errorf("%s: %w", fe.env, err)
			}
		}
	}
	// An empty variable leaves the default, as every variable does (a settings file's
	// "METRICS_ADDR=" is easily a line left blank): "off" is how it says none.
	if cfg.metricsAddr == "off" {
		cfg.metricsAddr = ""
	}
	if cfg.answerCache < 0 || cfg.answerCache > maxAnswerCacheMiB {
		return config{}, fmt.Errorf("-answer-cache must be from 0 to %d (MiB), not %d", maxAnswerCacheMiB, cfg.answerCache)
	}
	if cfg.pprof && cfg.metricsAddr == "" {
		// The profiles go on the private listener or nowhere: never the public one.
		return config{}, errors.New("-pprof needs the -metrics-addr listener, which is off")
	}
	return cfg, nil
}

// defaultAnswerCacheMiB holds a few thousand answers (2 to 15 kB each, gzipped or
// not): the estimates visitors ask for most. Full, it added about four times its
// size to the resident memory in the load run's soak (docs/performance.md).
const defaultAnswerCacheMiB = 8

// maxAnswerCacheMiB: more than this is a typo (a size in bytes, say), not a plan.
const maxAnswerCacheMiB = 64 << 10

func (c config) storeKind() string {
	if c.databaseURL != "" {
		return "postgres"
	}
	return "sqlite"
}

func (c config) priceBookSource() string {
	if c.priceBook == "" {
		return "embedded"
	}
	return c.priceBook
}

// proxiesFlag reads -trusted-proxies (package clientip).
type proxiesFlag clientip.Proxies

func (p *proxiesFlag) String() string { return clientip.Proxies(*p).String() }

func (p *proxiesFlag) Set(s string) error {
	parsed, err := clientip.Parse(s)
	*p = proxiesFlag(parsed)
	return err
}

// levelFlag accepts exactly the four level names, unlike slog.Level's own parser,
// which also takes "info+2" and the like.
type levelFlag slog.Level

func (l *levelFlag) String() string { return slog.Level(*l).String() }

func (l *levelFlag) Set(s string) error {
	switch strings.ToLower(s) {
	case "debug":
		*l = levelFlag(slog.LevelDebug)
	case "info":
		*l = levelFlag(slog.LevelInfo)
	case "warn":
		*l = levelFlag(slog.LevelWarn)
	case "error":
		*l = levelFlag(slog.LevelError)
	default:
		return errors.New("log level must be debug, info, warn or error")
	}
	return nil
}
