package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxDeskOrdersPerPage caps ListOrders: a Limit <= 0 or above it means this many.
const MaxDeskOrdersPerPage = 100

// OrderFilter selects orders for the order desk. Every set field must match; zero
// fields match everything.
type OrderFilter struct {
	Status string
	// Product and Region match an order that contains them (Order.Products, Regions).
	Product string
	Region  string
	Rep     string // a user ID
	// From and To bound CreatedAt: From <= CreatedAt < To. A zero time is open.
	From time.Time
	To   time.Time
	// Search matches an order ID or an account ID exactly, or a contact email in any
	// case (ASCII letters at least; beyond them as the database's lower() goes). It is
	// trimmed; never a pattern.
	Search string
	// Offset skips that many matching orders (negative means 0); Limit is the page
	// size (<= 0 or above MaxDeskOrdersPerPage means MaxDeskOrdersPerPage).
	Offset int
	Limit  int
}

// AuditEntry is one step in an order's history.
type AuditEntry struct {
	At     time.Time // UTC, microsecond precision
	Actor  string    // the user ID or name the caller gave; "customer" for the placement
	From   string    // "" for the placement
	To     string
	Reason string
}

// placement is the first entry of every order's history. It is derived from the
// order rather than stored: placing an order stays one INSERT, and orders placed
// before the audit existed have their history too.
func placement(createdAt time.Time) AuditEntry {
	return AuditEntry{At: createdAt, Actor: "customer", From: "", To: StatusSubmitted, Reason: "order placed"}
}

// transitions gives, for each status an order may be moved to, the status it must
// have then. Anything else is ErrBadTransition.
var transitions = map[string]string{
	StatusConfirmed: StatusSubmitted,
	StatusCancelled: StatusSubmitted,
}

// checkChange validates a status change's caller-given parts.
func checkChange(actor, reason string) error {
	if strings.TrimSpace(actor) == "" {
		return fmt.Errorf("%w: a status change needs an actor", ErrInvalidOrder)
	}
	if strings.TrimSpace(reason) == "" {
		return fmt.Errorf("%w: a status change needs a reason", ErrInvalidOrder)
	}
	return nil
}

func badTransition(id, from, to string) error {
	return fmt.Errorf("%w: order %s is %s and cannot become %q", ErrBadTransition, id, from, to)
}

// deskDialect is what differs between the databases in ListOrders' WHERE clause.
type deskDialect struct {
	// contains is the condition "the list column holds the value in param".
	contains func(column, param string) string
	// time is how a bound on created_at is passed.
	time func(time.Time) any
}

// deskQuery is ListOrders' WHERE clause and its arguments. Its text depends only on
// which filters are set, never on their values: each value is a placeholder,
// numbered in the order it first appears (SQLite numbers $N by first appearance).
type deskQuery struct {
	where string
	args  []any
}

func (q *deskQuery) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func buildDeskQuery(f OrderFilter, d deskDialect) deskQuery {
	var q deskQuery
	var conds []string
	if f.Status != "" {
		conds = append(conds, "status = "+q.arg(f.Status))
	}
	if f.Product != "" {
		conds = append(conds, d.contains("products", q.arg(f.Product)))
	}
	if f.Region != "" {
		conds = append(conds, d.contains("regions", q.arg(f.Region)))
	}
	if f.Rep != "" {
		conds = append(conds, "rep = "+q.arg(f.Rep))
	}
	if !f.From.IsZero() {
		conds = append(conds, "created_at >= "+q.arg(d.time(ceilMicro(f.From))))
	}
	if !f.To.IsZero() {
		conds = append(conds, "created_at < "+q.arg(d.time(ceilMicro(f.To))))
	}
	if search := strings.TrimSpace(f.Search); search != "" {
		p := q.arg(search)
		conds = append(conds, "(id = "+p+" OR buyer_account_id = "+p+
			" OR lower(buyer_contact_email) = lower("+p+"))")
	}
	if len(conds) > 0 {
		q.where = " WHERE " + strings.Join(conds, " AND ")
	}
	return q
}

// page returns the clause that selects f's page, numbering its placeholders after
// the WHERE clause's, and all the arguments.
func (q deskQuery) page(f OrderFilter) (string, []any) {
	limit := f.Limit
	if limit <= 0 || limit > MaxDeskOrdersPerPage {
		limit = MaxDeskOrdersPerPage
	}
	p := deskQuery{args: append([]any(nil), q.args...)}
	clause := " ORDER BY created_at DESC, seq DESC LIMIT " + p.arg(limit) + " OFFSET " + p.arg(max(f.Offset, 0))
	return clause, p.args
}

// ceilMicro rounds t up to the microsecond, in UTC: created_at has microseconds, so
// t <= CreatedAt exactly when ceilMicro(t) <= CreatedAt (and likewise for <).
func ceilMicro(t time.Time) time.Time {
	u := utcMicro(t)
	if u.Before(t) {
		u = u.Add(time.Microsecond)
	}
	return u
}
