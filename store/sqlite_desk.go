package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

var sqliteDesk = deskDialect{
	contains: func(column, param string) string {
		return "EXISTS (SELECT 1 FROM json_each(orders." + column + ") WHERE json_each.value = " + param + ")"
	},
	time: func(t time.Time) any { return t.UTC().Format(sqliteTime) },
}

func (s *sqliteStore) ListOrders(ctx context.Context, f OrderFilter) ([]Order, int, error) {
	q := buildDeskQuery(f, sqliteDesk)
	page, pageArgs := q.page(f)
	// One read transaction: the count and the page see the same snapshot.
	tx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, wrapErr(ctx, "list orders", err)
	}
	defer tx.Rollback()
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM orders`+q.where, q.args...).Scan(&total); err != nil {
		return nil, 0, wrapErr(ctx, "list orders", err)
	}
	rows, err := tx.QueryContext(ctx, sqliteSelectOrder+q.where+page, pageArgs...)
	if err != nil {
		return nil, 0, wrapErr(ctx, "list orders", err)
	}
	defer rows.Close()
	var orders []Order
	for rows.Next() {
		o, err := scanSQLiteOrder(rows)
		if err != nil {
			return nil, 0, wrapErr(ctx, "list orders", err)
		}
		orders = append(orders, o)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, wrapErr(ctx, "list orders", err)
	}
	return orders, total, nil
}

func (s *sqliteStore) SetOrderStatus(ctx context.Context, id, to, actor, reason string) (Order, error) {
	if err := checkChange(actor, reason); err != nil {
		return Order{}, err
	}
	at := utcMicro(time.Now())
	// BEGIN IMMEDIATE on the one writer connection: changes are serialised, and the
	// conditional UPDATE lets only the first of two concurrent ones through.
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return Order{}, wrapErr(ctx, "set order status", err)
	}
	defer tx.Rollback()
	from, allowed := transitions[to]
	var n int64
	if allowed {
		res, err := tx.ExecContext(ctx, `UPDATE orders SET status = $1 WHERE id = $2 AND status = $3`, to, id, from)
		if err != nil {
			return Order{}, wrapErr(ctx, "set order status", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return Order{}, wrapErr(ctx, "set order status", err)
		}
	}
	if n == 0 {
		var current string
		err := tx.QueryRowContext(ctx, `SELECT status FROM orders WHERE id = $1`, id).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return Order{}, ErrNotFound
		}
		if err != nil {
			return Order{}, wrapErr(ctx, "set order status", err)
		}
		return Order{}, badTransition(id, current, to)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO order_audit (order_id, at, actor, from_status, to_status, reason)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, at.Format(sqliteTime), actor, from, to, reason); err != nil {
		return Order{}, wrapErr(ctx, "set order status", err)
	}
	o, err := scanSQLiteOrder(tx.QueryRowContext(ctx, sqliteSelectOrder+` WHERE id = $1`, id))
	if err != nil {
		return Order{}, wrapErr(ctx, "set order status", err)
	}
	if err := tx.Commit(); err != nil {
		return Order{}, wrapErr(ctx, "set order status", err)
	}
	return o, nil
}

func (s *sqliteStore) OrderAudit(ctx context.Context, id string) ([]AuditEntry, error) {
	tx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrapErr(ctx, "order audit", err)
	}
	defer tx.Rollback()
	var createdAt string
	err = tx.QueryRowContext(ctx, `SELECT created_at FROM orders WHERE id = $1`, id).Scan(&createdAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, wrapErr(ctx, "order audit", err)
	}
	placed, err := time.Parse(sqliteTime, createdAt)
	if err != nil {
		return nil, fmt.Errorf("store: order %s: created_at: %w", id, err)
	}
	entries := []AuditEntry{placement(placed)}
	rows, err := tx.QueryContext(ctx, `SELECT at, actor, from_status, to_status, reason
		FROM order_audit WHERE order_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, wrapErr(ctx, "order audit", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e  AuditEntry
			at string
		)
		if err := rows.Scan(&at, &e.Actor, &e.From, &e.To, &e.Reason); err != nil {
			return nil, wrapErr(ctx, "order audit", err)
		}
		if e.At, err = time.Parse(sqliteTime, at); err != nil {
			return nil, fmt.Errorf("store: order %s: audit time: %w", id, err)
		}
		entries = append(entries, e)
	}
	return entries, wrapErr(ctx, "order audit", rows.Err())
}
