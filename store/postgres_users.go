package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

const pgSelectUser = `SELECT id, email, password_hash, disabled, created_at FROM users`

func (s *postgresStore) AddUser(ctx context.Context, email string, passwordHash []byte) (User, error) {
	u, err := newUser(email, passwordHash, time.Now())
	if err != nil {
		return User{}, err
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO users (id, email, password_hash, disabled, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING`,
		u.ID, u.Email, u.PasswordHash, u.Disabled, u.CreatedAt)
	if err != nil {
		return User{}, wrapErr(ctx, "add user", err)
	}
	if tag.RowsAffected() == 0 {
		return User{}, fmt.Errorf("%w: %s", ErrEmailTaken, u.Email)
	}
	return u, nil
}

func (s *postgresStore) UserByEmail(ctx context.Context, email string) (User, error) {
	return s.user(ctx, "user by email", pgSelectUser+` WHERE email = $1`, normalizeEmail(email))
}

func (s *postgresStore) UserByID(ctx context.Context, id string) (User, error) {
	return s.user(ctx, "user by id", pgSelectUser+` WHERE id = $1`, id)
}

func (s *postgresStore) user(ctx context.Context, op, query string, arg string) (User, error) {
	u, err := scanPgUser(s.pool.QueryRow(ctx, query, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, ErrUserNotFound
	}
	return u, wrapErr(ctx, op, err)
}

// ListUsers orders by the bytes of the email (COLLATE "C"), as SQLite does, rather
// than by the server's locale, which skips punctuation.
func (s *postgresStore) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.pool.Query(ctx, pgSelectUser+` ORDER BY email COLLATE "C"`)
	if err != nil {
		return nil, wrapErr(ctx, "list users", err)
	}
	defer rows.Close()
	var users []User
	for rows.Next() {
		u, err := scanPgUser(rows)
		if err != nil {
			return nil, wrapErr(ctx, "list users", err)
		}
		users = append(users, u)
	}
	return users, wrapErr(ctx, "list users", rows.Err())
}

func (s *postgresStore) SetUserDisabled(ctx context.Context, email string, disabled bool) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET disabled = $1 WHERE email = $2`, disabled, normalizeEmail(email))
	if err != nil {
		return wrapErr(ctx, "set user disabled", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrUserNotFound
	}
	return nil
}

func scanPgUser(row pgx.Row) (User, error) {
	var u User
	if err := row.Scan(&u.ID, &u.Email, &u.PasswordHash, &u.Disabled, &u.CreatedAt); err != nil {
		return User{}, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return u, nil
}
