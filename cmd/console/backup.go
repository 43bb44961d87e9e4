package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"kmsconsole/store"
)

// runBackup is `console backup [-data DIR] FILE`: a consistent copy of the SQLite
// database, taken while the server runs.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	c, err := parseFileCommand("backup", args, getenv, stdout)
	if err != nil || c.file == "" {
		return err
	}
	if c.databaseURL != "" {
		return errors.New(`backup: the database is PostgreSQL (-database-url or DATABASE_URL): back it up with pg_dump, ` +
			`e.g. pg_dump --format=custom --file=FILE "$DATABASE_URL", without its pool_max_conns (see docs/operations.md)`)
	}
	info, err := store.BackupSQLite(ctx, c.dataDir, c.file)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s: %d bytes, %d orders, schema version %d\n",
		c.dataDir, info.Path, info.Size, info.Orders, info.SchemaVersion)
	return nil
}

// runRestore is `console restore [-data DIR] [-force] FILE`: FILE, a backup, becomes
// the data directory's database. It refuses while a console serves from the
// directory, and replaces an existing database only with -force.
func runRestore(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	c, err := parseFileCommand("restore", args, getenv, stdout)
	if err != nil || c.file == "" {
		return err
	}
	if c.databaseURL != "" {
		return errors.New(`restore: the database is PostgreSQL (-database-url or DATABASE_URL): restore a pg_dump file with pg_restore, ` +
			`e.g. pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" FILE, without its pool_max_conns (see docs/operations.md)`)
	}
	info, kept, err := store.RestoreSQLite(ctx, c.file, c.dataDir, c.force)
	switch {
	case errors.Is(err, store.ErrDataDirInUse):
		return fmt.Errorf("restore refused, nothing changed: %w; stop the console using %s first", err, c.dataDir)
	case errors.Is(err, store.ErrDatabaseExists):
		return fmt.Errorf("restore refused, nothing changed: %w; give -force to replace it (the old database is then kept beside it)", err)
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s: %d bytes, %d orders, schema version %d\n",
		c.file, info.Path, info.Size, info.Orders, info.SchemaVersion)
	if kept != "" {
		fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", kept)
	}
	return nil
}

// fileCommand is what backup and restore were asked to do.
type fileCommand struct {
	file        string // empty after -h
	dataDir     string
	databaseURL string
	force       bool
}

// parseFileCommand reads the flags (before or after FILE) with the server's
// environment fallbacks for the database.
func parseFileCommand(name string, args []string, getenv func(string) string, out io.Writer) (fileCommand, error) {
	var c fileCommand
	usage := "usage: console " + name + " [-data DIR] FILE"
	fs := flag.NewFlagSet("console "+name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.dataDir, "data", "./data", "data directory (env DATA_DIR)")
	fs.StringVar(&c.databaseURL, "database-url", "", "PostgreSQL URL (env DATABASE_URL): then use pg_dump and pg_restore instead")
	if name == "restore" {
		usage = "usage: console restore [-data DIR] [-force] FILE"
		fs.BoolVar(&c.force, "force", false, "replace an existing database, keeping it as console.db.before-restore-TIME")
	}
	fs.Usage = func() {
		fmt.Fprintln(out, usage)
		fs.PrintDefaults()
	}
	var files []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return fileCommand{}, nil
		} else if err != nil {
			return fileCommand{}, err
		}
		if fs.NArg() == 0 {
			break
		}
		files, args = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 || strings.TrimSpace(files[0]) == "" {
		return fileCommand{}, errors.New(usage)
	}
	c.file = files[0]
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if v := getenv("DATA_DIR"); v != "" && !given["data"] {
		c.dataDir = v
	}
	if v := getenv("DATABASE_URL"); v != "" && !given["database-url"] {
		c.databaseURL = v
	}
	return c, nil
}
