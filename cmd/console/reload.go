package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"kmsconsole/pricing"
)

// watchInterval is how often -watch-price-book looks at the file.
const watchInterval = 2 * time.Second

// reloader puts the price book file in force again: the new book is validated first,
// and a bad file is refused with a log line while the book in force stays.
type reloader struct {
	log  *slog.Logger
	path string // "" is the embedded book: nothing to reload
	set  func(*pricing.Book)
}

func (rl reloader) reload(why string) {
	if rl.path == "" {
		rl.log.Warn("no price book file to reload; the embedded book stays in force", "why", why)
		return
	}
	b, err := pricing.LoadBook(rl.path)
	if err != nil {
		rl.log.Error("price book refused; the book in force stays", "why", why, "path", rl.path, "err", err)
		return
	}
	rl.set(b)
	rl.log.Info("price book reloaded", "why", why, "path", rl.path, "version", b.Version, "effective", b.Effective)
}

// onHangup reloads on every SIGHUP until ctx ends.
func (rl reloader) onHangup(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			rl.reload("SIGHUP")
		}
	}
}

// onChange reloads when the file changes until ctx ends. It polls the file's size,
// time and identity rather than asking for change events, so that every way of
// replacing the file is seen: an edit in place, an editor's write-and-rename, or a
// symbolic link switched to a new target (as Kubernetes does for a ConfigMap).
func (rl reloader) onChange(ctx context.Context, every time.Duration) {
	if rl.path == "" {
		return
	}
	last, _ := os.Stat(rl.path) // the file loaded at start
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now, err := os.Stat(rl.path)
		if err != nil {
			if last != nil {
				rl.log.Warn("price book file unreadable; the book in force stays", "path", rl.path, "err", err)
			}
			last = nil
			continue
		}
		if last != nil && sameFile(last, now) {
			continue
		}
		last = now
		rl.reload("file changed")
	}
}

// sameFile reports whether two looks at a path found the same, unchanged file.
func sameFile(a, b os.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}
