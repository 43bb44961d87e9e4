package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"kmsconsole/auth"
	"kmsconsole/store"
)

// runUser manages sales rep accounts: `console user add -email E` (the password is
// asked for twice on a terminal, or read from the first line of standard input in a
// script), `console user list`, `console user disable -email E`. The database is the
// server's: -data or -database-url, with the same environment fallbacks.
func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	const usage = "usage: console user add|list|disable|enable [-email EMAIL] [-data DIR] [-database-url URL]"
	if len(args) == 0 {
		return errors.New(usage)
	}
	cmd, args := args[0], args[1:]
	if cmd == "-h" || cmd == "-help" || cmd == "--help" || cmd == "help" {
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fs := flag.NewFlagSet("console user "+cmd, flag.ContinueOnError)
	fs.SetOutput(stdout)
	email := fs.String("email", "", "the rep's email address")
	dataDir := fs.String("data", "./data", "data directory (env DATA_DIR)")
	dbURL := fs.String("database-url", "", "PostgreSQL URL (env DATABASE_URL)")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil // the flags are printed
	} else if err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if v := getenv("DATA_DIR"); v != "" && !given["data"] {
		*dataDir = v
	}
	if v := getenv("DATABASE_URL"); v != "" && !given["database-url"] {
		*dbURL = v
	}
	needEmail := func() error {
		if !strings.Contains(*email, "@") {
			return errors.New("give the rep's email address with -email")
		}
		return nil
	}

	st, err := store.Open(ctx, *dataDir, *dbURL, nil)
	if err != nil {
		return err
	}
	defer st.Close()

	switch cmd {
	case "add":
		if err := needEmail(); err != nil {
			return err
		}
		password, err := readPassword(stdin, stdout)
		if err != nil {
			return err
		}
		hash, err := auth.Hash(password)
		if err != nil {
			return err
		}
		u, err := st.AddUser(ctx, *email, hash)
		if errors.Is(err, store.ErrEmailTaken) {
			return fmt.Errorf("a rep with the email %s exists already", *email)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %s (%s)\n", u.Email, u.ID)
	case "list":
		users, err := st.ListUsers(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "EMAIL\tID\tSTATUS\tCREATED")
		for _, u := range users {
			status := "active"
			if u.Disabled {
				status = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Email, u.ID, status, u.CreatedAt.Format("2006-01-02"))
		}
		return tw.Flush()
	case "disable", "enable":
		if err := needEmail(); err != nil {
			return err
		}
		if err := st.SetUserDisabled(ctx, *email, cmd == "disable"); errors.Is(err, store.ErrUserNotFound) {
			return fmt.Errorf("no rep has the email %s", *email)
		} else if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%sd %s\n", cmd, strings.ToLower(*email))
	default:
		return fmt.Errorf("unknown command %q: use add, list, disable or enable", cmd)
	}
	return nil
}

// readPassword asks twice, without echo, on a terminal; from a pipe it reads the
// first line.
func readPassword(stdin io.Reader, stdout io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stdout, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stdout, "Again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", err
		}
		if string(first) != string(second) {
			return "", errors.New("the two passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
