package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

const sqliteSelectUser = `SELECT id, email, password_hash, disabled, created_at FROM users`

func (s *sqliteStore) AddUser(ctx context.Context, email string, passwordHash []byte) (User, error) {
	u, err := newUser(email, passwordHash, time.Now())
	if err != nil {
		return User{}, err
	}
	res, err := s.writer.ExecContext(ctx, `INSERT INTO users (id, email, password_hash, disabled, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING`,
		u.ID, u.Email, u.PasswordHash, u.Disabled, u.CreatedAt.Format(sqliteTime))
	if err != nil {
		return User{}, wrapErr(ctx, "add user", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return User{}, wrapErr(ctx, "add user", err)
	} else if n == 0 {
		return User{}, fmt.Errorf("%w: %s", ErrEmailTaken, u.Email)
	}
	return u, nil
}

func (s *sqliteStore) UserByEmail(ctx context.Context, email string) (User, error) {
	return s.user(ctx, "user by email", sqliteSelectUser+` WHERE email = $1`, normalizeEmail(email))
}

func (s *sqliteStore) UserByID(ctx context.Context, id string) (User, error) {
	return s.user(ctx, "user by id", sqliteSelectUser+` WHERE id = $1`, id)
}

func (s *sqliteStore) user(ctx context.Context, op, query string, arg string) (User, error) {
	u, err := scanSQLiteUser(s.reader.QueryRowContext(ctx, query, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrUserNotFound
	}
	return u, wrapErr(ctx, op, err)
}

func (s *sqliteStore) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.reader.QueryContext(ctx, sqliteSelectUser+` ORDER BY email`)
	if err != nil {
		return nil, wrapErr(ctx, "list users", err)
	}
	defer rows.Close()
	var users []User
	for rows.Next() {
		u, err := scanSQLiteUser(rows)
		if err != nil {
			return nil, wrapErr(ctx, "list users", err)
		}
		users = append(users, u)
	}
	return users, wrapErr(ctx, "list users", rows.Err())
}

func (s *sqliteStore) SetUserDisabled(ctx context.Context, email string, disabled bool) error {
	res, err := s.writer.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE email = $2`,
		disabled, normalizeEmail(email))
	if err != nil {
		return wrapErr(ctx, "set user disabled", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapErr(ctx, "set user disabled", err)
	} else if n == 0 {
		return ErrUserNotFound
	}
	return nil
}

func scanSQLiteUser(row interface{ Scan(...any) error }) (User, error) {
	var (
		u         User
		createdAt string
	)
	if err := row.Scan(&u.ID, &u.Email, &u.PasswordHash, &u.Disabled, &createdAt); err != nil {
		return User{}, err
	}
	var err error
	if u.CreatedAt, err = time.Parse(sqliteTime, createdAt); err != nil {
		return User{}, fmt.Errorf("user %s: created_at: %w", u.ID, err)
	}
	return u, nil
}
