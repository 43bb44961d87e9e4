package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

var pgDesk = deskDialect{
	contains: func(column, param string) string { return param + " = ANY(" + column + ")" },
	time:     func(t time.Time) any { return t },
}

func (s *postgresStore) ListOrders(ctx context.Context, f OrderFilter) ([]Order, int, error) {
	q := buildDeskQuery(f, pgDesk)
	page, pageArgs := q.page(f)
	var (
		orders []Order
		total  int
	)
	// REPEATABLE READ: the count and the page see the same snapshot.
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM orders`+q.where, q.args...).Scan(&total); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `SELECT `+pgOrderColumns+` FROM orders`+q.where+page, pageArgs...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				o, err := scanPgOrder(rows)
				if err != nil {
					return err
				}
				orders = append(orders, o)
			}
			return rows.Err()
		})
	if err != nil {
		return nil, 0, wrapErr(ctx, "list orders", err)
	}
	return orders, total, nil
}

func (s *postgresStore) SetOrderStatus(ctx context.Context, id, to, actor, reason string) (Order, error) {
	if err := checkChange(actor, reason); err != nil {
		return Order{}, err
	}
	at := utcMicro(time.Now())
	var o Order
	// The conditional UPDATE takes the row lock; a concurrent change waits for it,
	// then finds the status no longer submitted and updates nothing.
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		from, allowed := transitions[to]
		var n int64
		if allowed {
			tag, err := tx.Exec(ctx, `UPDATE orders SET status = $1 WHERE id = $2 AND status = $3`, to, id, from)
			if err != nil {
				return err
			}
			n = tag.RowsAffected()
		}
		if n == 0 {
			var current string
			err := tx.QueryRow(ctx, `SELECT status FROM orders WHERE id = $1`, id).Scan(&current)
			if errors.Is(err, pgx.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
			return badTransition(id, current, to)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO order_audit (order_id, at, actor, from_status, to_status, reason)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, at, actor, from, to, reason); err != nil {
			return err
		}
		var err error
		o, err = scanPgOrder(tx.QueryRow(ctx, `SELECT `+pgOrderColumns+` FROM orders WHERE id = $1`, id))
		return err
	})
	switch {
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrBadTransition):
		return Order{}, err
	case err != nil:
		return Order{}, wrapErr(ctx, "set order status", err)
	}
	return o, nil
}

func (s *postgresStore) OrderAudit(ctx context.Context, id string) ([]AuditEntry, error) {
	var entries []AuditEntry
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			var placed time.Time
			if err := tx.QueryRow(ctx, `SELECT created_at FROM orders WHERE id = $1`, id).Scan(&placed); err != nil {
				return err
			}
			entries = append(entries, placement(placed.UTC()))
			rows, err := tx.Query(ctx, `SELECT at, actor, from_status, to_status, reason
				FROM order_audit WHERE order_id = $1 ORDER BY seq`, id)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var e AuditEntry
				if err := rows.Scan(&e.At, &e.Actor, &e.From, &e.To, &e.Reason); err != nil {
					return err
				}
				e.At = e.At.UTC()
				entries = append(entries, e)
			}
			return rows.Err()
		})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, wrapErr(ctx, "order audit", err)
	}
	return entries, nil
}
