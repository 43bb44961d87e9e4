package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Backing up and restoring the SQLite database, and the lock that says a console is
// using a data directory. PostgreSQL has pg_dump and pg_restore for this.

const (
	sqliteFileName = "console.db"
	lockFileName   = "console.lock"
)

// ErrDataDirInUse: another process holds the data directory's lock, a console serving
// from it or a restore writing into it.
var ErrDataDirInUse = errors.New("store: data directory in use by a running console")

// ErrDatabaseExists: a restore would replace a database and was not told to.
var ErrDatabaseExists = errors.New("store: a database exists")

// DatabaseFile describes a console database file.
type DatabaseFile struct {
	Path          string
	Size          int64 // bytes
	SchemaVersion int   // the last migration applied
	Orders        int
}

// CheckWritable refuses a SQLite database file in dataDir that exists and cannot be
// written (its mode, an immutable attribute, a read-only mount). SQLite would open it
// read-only without a word, and a server would start and fail every order; the
// server checks first, and does not start. Commands that only read (user list, a
// backup) need no such check.
func CheckWritable(dataDir string) error {
	f, err := os.OpenFile(filepath.Join(dataDir, sqliteFileName), os.O_WRONLY, 0)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil // SQLite creates it
	case err != nil:
		return fmt.Errorf("store: the database file cannot be written: %w", err)
	}
	return f.Close()
}

// LockDataDir takes the data directory's lock, <dataDir>/console.lock, without
// waiting: ErrDataDirInUse (naming the holder's pid) when a process holds it. The
// server holds it while it runs and a restore while it replaces the database; the
// user commands do not take it, as SQLite lets them share the database with a server.
// It is flock(2): the kernel releases it when the process ends however it ends, so a
// crash never leaves a stale lock, and the pid in the file is only for the message.
func LockDataDir(dataDir string) (unlock func() error, err error) {
	path := filepath.Join(dataDir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("store: lock: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		holder := "another process"
		if b, _ := io.ReadAll(io.LimitReader(f, 32)); len(strings.TrimSpace(string(b))) > 0 {
			holder = "pid " + strings.TrimSpace(string(b))
		}
		f.Close()
		return nil, fmt.Errorf("%w (%s holds %s)", ErrDataDirInUse, holder, path)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("store: lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	var done bool
	return func() error {
		if done {
			return nil
		}
		done = true
		_ = f.Truncate(0) // no pid left behind to mislead; closing releases the lock
		return f.Close()
	}, nil
}

// BackupSQLite writes a consistent copy of <dataDir>/console.db to dest while a
// server may be writing to it: VACUUM INTO, in one read transaction, copies every
// transaction committed before it began and none after. The copy is written under a
// temporary name next to dest, synced and checked (PRAGMA integrity_check) before it
// takes dest's name, so a file with that name is always a whole backup. An existing
// dest is refused, never replaced.
func BackupSQLite(ctx context.Context, dataDir, dest string) (DatabaseFile, error) {
	src, err := filepath.Abs(filepath.Join(dataDir, sqliteFileName))
	if err != nil {
		return DatabaseFile{}, fmt.Errorf("store: backup: %w", err)
	}
	if _, err := os.Stat(src); err != nil {
		return DatabaseFile{}, fmt.Errorf("store: backup: no database: %w", err)
	}
	if dest, err = filepath.Abs(dest); err != nil {
		return DatabaseFile{}, fmt.Errorf("store: backup: %w", err)
	}
	if err := refuseExisting(dest); err != nil {
		return DatabaseFile{}, fmt.Errorf("store: backup: %w", err)
	}
	// An empty file is a valid target for VACUUM INTO; creating it here reserves a
	// unique name. The leading dot keeps it out of a glob of backups.
	tmp, err := tempFile(filepath.Dir(dest), "."+filepath.Base(dest)+".partial-*")
	if err != nil {
		return DatabaseFile{}, fmt.Errorf("store: backup: %w", err)
	}
	defer os.Remove(tmp) // a no-op once it has its final name

	if err := vacuumInto(ctx, src, tmp); err != nil {
		return DatabaseFile{}, err
	}
	if err := syncFile(tmp); err != nil {
		return DatabaseFile{}, fmt.Errorf("store: backup: %w", err)
	}
	info, err := inspectDatabase(ctx, tmp)
	if err != nil {
		return DatabaseFile{}, fmt.Errorf("store: backup: the copy does not check: %w", err)
	}
	// A hard link, unlike a rename, fails rather than replace a dest made meanwhile.
	if err := os.Link(tmp, dest); errors.Is(err, fs.ErrExist) {
		return DatabaseFile{}, fmt.Errorf("store: backup: %s exists; not replaced", dest)
	} else if err != nil {
		if err := refuseExisting(dest); err != nil { // a file system without hard links
			return DatabaseFile{}, fmt.Errorf("store: backup: %w", err)
		}
		if err := os.Rename(tmp, dest); err != nil {
			return DatabaseFile{}, fmt.Errorf("store: backup: %w", err)
		}
	}
	if err := syncDir(filepath.Dir(dest)); err != nil {
		return DatabaseFile{}, fmt.Errorf("store: backup: %w", err)
	}
	info.Path = dest
	return info, nil
}

func vacuumInto(ctx context.Context, src, dest string) error {
	// Read-only: a backup can never change the database it copies. The busy timeout
	// covers the moments a WAL reader must wait (recovery after a crash).
	db, err := sql.Open("sqlite", fileURI(src, url.Values{"mode": {"ro"}, "_busy_timeout": {"10000"}}))
	if err != nil {
		return fmt.Errorf("store: backup: open %s: %w", src, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO $1`, dest); err != nil {
		return fmt.Errorf("store: backup: copy %s: %w", src, err)
	}
	return db.Close()
}

// RestoreSQLite makes the database file src the data directory's console.db. src must
// be a whole console database (integrity_check passes, it has the console's tables,
// its schema is not newer than this console's). It is refused while the directory's
// lock is held (ErrDataDirInUse: stop the console first), and when a console.db exists
// unless force is set; then the old one is kept beside it as
// console.db.before-restore-<UTC time>, with its write-ahead log. The copy is
// written under a temporary name, synced, checked and renamed, so console.db is at
// every moment either the old database or the whole new one. keptAs is where the old
// one went, or "".
func RestoreSQLite(ctx context.Context, src, dataDir string, force bool) (restored DatabaseFile, keptAs string, err error) {
	src, err = filepath.Abs(src)
	if err != nil {
		return DatabaseFile{}, "", fmt.Errorf("store: restore: %w", err)
	}
	if fi, err := os.Stat(src); err != nil {
		return DatabaseFile{}, "", fmt.Errorf("store: restore: %w", err)
	} else if !fi.Mode().IsRegular() {
		return DatabaseFile{}, "", fmt.Errorf("store: restore: %s is not a regular file", src)
	}
	// A database with a write-ahead log is in use, or was not closed: the file alone
	// lacks what the log holds. A backup never has one.
	if fi, err := os.Stat(src + "-wal"); err == nil && fi.Size() > 0 {
		return DatabaseFile{}, "", fmt.Errorf("store: restore: %s has a write-ahead log (%s-wal): restore from a file made by console backup", src, src)
	}
	if _, err := inspectDatabase(ctx, src); err != nil {
		return DatabaseFile{}, "", fmt.Errorf("store: restore: %w", err)
	}

	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return DatabaseFile{}, "", fmt.Errorf("store: restore: %w", err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return DatabaseFile{}, "", fmt.Errorf("store: restore: data directory: %w", err)
	}
	unlock, err := LockDataDir(dir)
	if err != nil {
		return DatabaseFile{}, "", err
	}
	defer unlock()

	file := filepath.Join(dir, sqliteFileName)
	wal, shm := file+"-wal", file+"-shm"
	existing, err := exists(file)
	if err != nil {
		return DatabaseFile{}, "", fmt.Errorf("store: restore: %w", err)
	}
	if existing {
		if fi, err := os.Stat(file); err == nil {
			if same, _ := os.Stat(src); os.SameFile(fi, same) {
				return DatabaseFile{}, "", fmt.Errorf("store: restore: %s is the database itself", src)
			}
		}
		if !force {
			return DatabaseFile{}, "", fmt.Errorf("%w at %s", ErrDatabaseExists, file)
		}
	}

	tmp, err := tempFile(dir, "."+sqliteFileName+".restore-*")
	if err != nil {
		return DatabaseFile{}, "", fmt.Errorf("store: restore: %w", err)
	}
	defer os.Remove(tmp) // a no-op once it is console.db
	if err := copyFile(src, tmp); err != nil {
		return DatabaseFile{}, "", fmt.Errorf("store: restore: %w", err)
	}
	// Check what was copied, not only what was read before: src may have changed.
	restored, err = inspectDatabase(ctx, tmp)
	if err != nil {
		return DatabaseFile{}, "", fmt.Errorf("store: restore: the copy of %s does not check: %w", src, err)
	}

	if existing {
		keptAs = file + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		// A link keeps console.db in place until the rename below replaces it at once.
		if err := os.Link(file, keptAs); errors.Is(err, fs.ErrExist) {
			return DatabaseFile{}, "", fmt.Errorf("store: restore: %s exists; try again in a second", keptAs)
		} else if err != nil {
			if err := refuseExisting(keptAs); err != nil { // a file system without hard links
				return DatabaseFile{}, "", fmt.Errorf("store: restore: %w", err)
			}
			if err := os.Rename(file, keptAs); err != nil {
				return DatabaseFile{}, "", fmt.Errorf("store: restore: keep the old database: %w", err)
			}
		}
	}
	// The log belongs to the old database: applied to the new one it would corrupt it.
	// Left by a crash it holds committed transactions, so it goes with the old file.
	if ok, _ := exists(wal); ok {
		if keptAs != "" {
			err = os.Rename(wal, keptAs+"-wal")
		} else {
			err = os.Remove(wal)
		}
		if err != nil {
			return DatabaseFile{}, keptAs, fmt.Errorf("store: restore: %w", err)
		}
	}
	if err := os.Remove(shm); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return DatabaseFile{}, keptAs, fmt.Errorf("store: restore: %w", err)
	}
	if err := os.Rename(tmp, file); err != nil {
		return DatabaseFile{}, keptAs, fmt.Errorf("store: restore: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return DatabaseFile{}, keptAs, fmt.Errorf("store: restore: %w", err)
	}
	restored.Path = file
	return restored, keptAs, nil
}

// inspectDatabase checks that the file is a whole console database and says what
// it holds. The file must not be written meanwhile (it is opened immutable).
func inspectDatabase(ctx context.Context, path string) (DatabaseFile, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return DatabaseFile{}, err
	}
	db, err := sql.Open("sqlite", fileURI(path, url.Values{"mode": {"ro"}, "immutable": {"1"}}))
	if err != nil {
		return DatabaseFile{}, err
	}
	defer db.Close()

	problems, err := integrityCheck(ctx, db)
	var e *sqlite.Error
	if errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_NOTADB {
		return DatabaseFile{}, fmt.Errorf("%s is not a SQLite database", path)
	}
	if err != nil {
		return DatabaseFile{}, fmt.Errorf("%s fails the integrity check: %w", path, err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return DatabaseFile{}, fmt.Errorf("%s fails the integrity check: %s", path, strings.Join(problems, "; "))
	}

	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema
		WHERE type = 'table' AND name IN ('schema_migrations', 'orders', 'sessions')`).Scan(&tables); err != nil {
		return DatabaseFile{}, fmt.Errorf("%s: %w", path, err)
	}
	if tables != 3 {
		return DatabaseFile{}, fmt.Errorf("%s is not a console database (no schema_migrations, orders or sessions table)", path)
	}
	info := DatabaseFile{Path: path, Size: fi.Size()}
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&info.SchemaVersion); err != nil {
		return DatabaseFile{}, fmt.Errorf("%s: %w", path, err)
	}
	ms, err := migrations("sqlite")
	if err != nil {
		return DatabaseFile{}, err
	}
	if info.SchemaVersion > len(ms) {
		return DatabaseFile{}, fmt.Errorf("%s has schema version %d, newer than this console's %d: restore it with the console that made it",
			path, info.SchemaVersion, len(ms))
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM orders`).Scan(&info.Orders); err != nil {
		return DatabaseFile{}, fmt.Errorf("%s: %w", path, err)
	}
	return info, nil
}

// integrityCheck returns "ok", or the first problems found.
func integrityCheck(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check(5)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		problems = append(problems, p)
	}
	return problems, rows.Err()
}

// fileURI names a file for SQLite in URI form, so that SQLite's own parameters
// (mode, immutable) apply and any character may appear in the path.
func fileURI(path string, q url.Values) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	return u.String()
}

func refuseExisting(path string) error {
	ok, err := exists(path)
	if err != nil {
		return err
	}
	if ok {
		return fmt.Errorf("%s exists; not replaced", path)
	}
	return nil
}

func exists(path string) (bool, error) {
	_, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// tempFile creates an empty file in dir and returns its name.
func tempFile(dir, pattern string) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	return f.Name(), f.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func copyFile(src, dest string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
