// Command quote prices a request for sales reps' scripts: it reads a JSON request
// ({"items": [...]}, the same shape as POST /api/v1/quotes) from a file or standard
// input and prints the quote as an aligned table, or as JSON with -json. Bad input
// exits with status 2 and one line per problem.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/shopspring/decimal"

	"kmsconsole/pricing"
)

// exitUsage is the status for bad input, as the issue asks of scripts.
const exitUsage = 2

func main() {
	err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout)
	if err != nil {
		var ve *pricing.ValidationError
		if errors.As(err, &ve) {
			for _, p := range ve.Problems {
				fmt.Fprintf(os.Stderr, "quote: %s: %s\n", p.Field, p.Message)
			}
		} else {
			fmt.Fprintln(os.Stderr, "quote:", err)
		}
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(exitUsage)
		}
		os.Exit(1)
	}
}

// usageError is input the user can fix: exit status 2.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

func run(_ context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("quote", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print the quote as JSON")
	bookPath := fs.String("price-book", getenv("PRICE_BOOK"), "price book file (default: the embedded one)")
	fs.Usage = func() {}
	const usage = "usage: quote [-json] [-price-book FILE] [REQUEST.json]   (reads stdin without a file)"
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, usage)
		return nil
	} else if err != nil {
		return usageError{fmt.Errorf("%w\n%s", err, usage)}
	}
	if fs.NArg() > 1 {
		return usageError{errors.New("give at most one request file")}
	}

	var book *pricing.Book
	var err error
	if *bookPath != "" {
		book, err = pricing.LoadBook(*bookPath)
	} else {
		book, err = pricing.EmbeddedBook()
	}
	if err != nil {
		return usageError{err}
	}

	in := stdin
	if fs.NArg() == 1 && fs.Arg(0) != "-" {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return usageError{err}
		}
		defer f.Close()
		in = f
	}
	req, err := pricing.DecodeRequest(in)
	if err != nil {
		return usageError{err}
	}
	q, err := pricing.Compute(book, req)
	if err != nil {
		return usageError{err}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(q)
	}
	return printTable(stdout, q)
}

func printTable(w io.Writer, q pricing.Quote) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(cells ...string) { fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t") }
	fmt.Fprintf(w, "Quote in %s, price book %s (effective %s)\n\n", q.Currency, q.PriceBook.Version, q.PriceBook.Effective)
	row("Item / line", "Quantity", "Unit", "Unit price", "Amount", "Note")
	lines := func(ls []pricing.Line) {
		for _, l := range ls {
			row("  "+l.Description, num(l.Quantity.String()), l.Unit, num(l.UnitPrice.String()), money(l.Amount), l.Note)
		}
	}
	for i, it := range q.Items {
		row(fmt.Sprintf("%d. %s, %s", i+1, it.Name, it.RegionName), "", "", "", "", "")
		lines(it.Lines)
		if !it.Upfront.IsZero() {
			row("  paid up front for the term", "", "", "", money(it.Upfront), "")
		}
	}
	if len(q.AccountLines) > 0 {
		row("Account", "", "", "", "", "")
		lines(q.AccountLines)
	}
	row("Monthly total", "", "", "", money(q.Totals.Monthly), "")
	row("Up-front total", "", "", "", money(q.Totals.Upfront), "")
	if err := tw.Flush(); err != nil {
		return err
	}
	notes := func(title string, ns []pricing.Notice) {
		if len(ns) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, n := range ns {
			fmt.Fprintf(w, "- %s\n", n.Text)
		}
	}
	notes("Warnings", q.Warnings)
	notes("Assumptions", q.Assumptions)
	notes("Payment", q.Settlement)
	return nil
}

// Numbers are right-aligned by padding: tabwriter aligns every column one way.
func money(d decimal.Decimal) string { return num(d.StringFixed(2)) }

func num(s string) string { return fmt.Sprintf("%12s", s) }
