package main

import (
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"kmsconsole/internal/clientip"
)

func TestFlagWinsOverEnvironmentWhichWinsOverDefault(t *testing.T) {
	fullEnv := map[string]string{
		"ADDR":            "0.0.0.0:9000",
		"DATA_DIR":        "/var/lib/console",
		"DATABASE_URL":    "postgres://env",
		"PRICE_BOOK":      "/env/prices.json",
		"LOG_LEVEL":       "debug",
		"METRICS_ADDR":    "127.0.0.1:9999",
		"PPROF":           "true",
		"TRUSTED_PROXIES": "10.0.0.0/8",
		"GOB_SESSIONS":    "true",
		"ANSWER_CACHE_MB": "4",
	}
	envProxies, _ := clientip.Parse("10.0.0.0/8")
	flagProxies, _ := clientip.Parse("192.0.2.7, 2001:db8::/32")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want config
	}{
		{
			name: "defaults",
			want: config{addr: "127.0.0.1:8080", dataDir: "./data", logLevel: slog.LevelInfo, metricsAddr: "127.0.0.1:9464",
				answerCache: defaultAnswerCacheMiB},
		},
		{
			name: "environment over defaults",
			env:  fullEnv,
			want: config{addr: "0.0.0.0:9000", dataDir: "/var/lib/console", databaseURL: "postgres://env",
				priceBook: "/env/prices.json", logLevel: slog.LevelDebug, metricsAddr: "127.0.0.1:9999", pprof: true,
				proxies: envProxies, gobSessions: true, answerCache: 4},
		},
		{
			name: "flags over environment",
			args: []string{"-addr", ":1", "-data", "/d", "-database-url", "postgres://flag",
				"-price-book", "/flag.json", "-log-level", "ERROR", "-metrics-addr", "", "-pprof=false", "-watch-price-book",
				"-trusted-proxies", "192.0.2.7, 2001:db8::/32", "-gob-sessions=false", "-answer-cache", "0"},
			env: fullEnv,
			want: config{addr: ":1", dataDir: "/d", databaseURL: "postgres://flag",
				priceBook: "/flag.json", logLevel: slog.LevelError, watchBook: true, proxies: flagProxies},
		},
		{
			name: "metrics off from the environment",
			env:  map[string]string{"METRICS_ADDR": "off"},
			want: config{addr: "127.0.0.1:8080", dataDir: "./data", logLevel: slog.LevelInfo, answerCache: defaultAnswerCacheMiB},
		},
		{
			name: "metrics off by flag",
			args: []string{"-metrics-addr", "off", "-pprof=false"},
			env:  fullEnv,
			want: config{addr: "0.0.0.0:9000", dataDir: "/var/lib/console", databaseURL: "postgres://env",
				priceBook: "/env/prices.json", logLevel: slog.LevelDebug, proxies: envProxies, gobSessions: true, answerCache: 4},
		},
		{
			name: "one flag, the rest from the environment",
			args: []string{"-log-level", "warn"},
			env:  fullEnv,
			want: config{addr: "0.0.0.0:9000", dataDir: "/var/lib/console", databaseURL: "postgres://env",
				priceBook: "/env/prices.json", logLevel: slog.LevelWarn, metricsAddr: "127.0.0.1:9999", pprof: true,
				proxies: envProxies, gobSessions: true, answerCache: 4},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(tt.args, env(tt.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("config = %+v\nwant     %+v", got, tt.want)
			}
		})
	}
}

func TestConfigRejectsBadInput(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		message string
	}{
		{"unknown log level flag", []string{"-log-level", "verbose"}, nil, "log level must be"},
		{"log level with offset", []string{"-log-level", "info+2"}, nil, "log level must be"},
		{"unknown log level env", nil, map[string]string{"LOG_LEVEL": "trace"}, "LOG_LEVEL"},
		{"stray argument", []string{"serve"}, nil, "unexpected argument"},
		{"unknown flag", []string{"-port", "80"}, nil, "not defined"},
		{"profiles without their listener", []string{"-pprof", "-metrics-addr", ""}, nil, "-pprof needs the -metrics-addr"},
		{"profiles from the environment without their listener", []string{"-metrics-addr", ""},
			map[string]string{"PPROF": "1"}, "-pprof needs the -metrics-addr"},
		{"profiles with their listener off from the environment", nil,
			map[string]string{"PPROF": "1", "METRICS_ADDR": "off"}, "-pprof needs the -metrics-addr"},
		{"a proxy that is not an address", []string{"-trusted-proxies", "lb.internal"}, nil, `trusted proxy "lb.internal"`},
		{"a proxy range with host bits", nil, map[string]string{"TRUSTED_PROXIES": "10.1.2.3/8"}, "TRUSTED_PROXIES"},
		{"a negative answer cache", []string{"-answer-cache", "-1"}, nil, "-answer-cache must be from 0"},
		{"an answer cache in bytes", nil, map[string]string{"ANSWER_CACHE_MB": "16777216"}, "-answer-cache must be from 0"},
		{"an answer cache that is not a number", nil, map[string]string{"ANSWER_CACHE_MB": "16M"}, "ANSWER_CACHE_MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig(tt.args, env(tt.env), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("err = %v, want one containing %q", err, tt.message)
			}
		})
	}
}

func TestHelpPrintsNoEnvironmentSecret(t *testing.T) {
	var out strings.Builder
	err := run(t.Context(), []string{"-h"}, env(map[string]string{"DATABASE_URL": "postgres://u:hunter2@h/db"}), &out)
	if err != nil {
		t.Fatalf("run -h = %v, want nil", err)
	}
	if !strings.Contains(out.String(), "-database-url") || strings.Contains(out.String(), "hunter2") {
		t.Errorf("usage:\n%s", out.String())
	}
	// The usage names the other commands too.
	for _, cmd := range []string{"console version", "console pricebook check FILE", "console user add|list|disable|enable", "console backup FILE", "console restore"} {
		if !strings.Contains(out.String(), cmd) {
			t.Errorf("the usage lacks %q", cmd)
		}
	}
}

// TestUserHelpIsNotAnError: asking the user command for help prints it, and
// succeeds.
func TestUserHelpIsNotAnError(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"help"}, {"list", "-h"}} {
		var out strings.Builder
		if err := runUser(t.Context(), args, env(nil), strings.NewReader(""), &out); err != nil || out.Len() == 0 {
			t.Errorf("console user %v: %v, printing %q", args, err, out.String())
		}
	}
	if err := runUser(t.Context(), nil, env(nil), strings.NewReader(""), io.Discard); err == nil || !strings.Contains(err.Error(), "disable|enable") {
		t.Errorf("console user alone: %v; want its usage, with every command", err)
	}
}
