package handlers

import (
	"context"
	"log/slog"
)

// The request ID and the logger that carries it travel in the request context. web
// sets them (only web knows the router); handlers and views read them through these
// functions, so the context key stays private to this package.
type requestKey struct{}

type requestInfo struct {
	id  string
	log *slog.Logger
}

// WithRequest returns ctx carrying the request's ID and its request-scoped logger.
func WithRequest(ctx context.Context, id string, log *slog.Logger) context.Context {
	return context.WithValue(ctx, requestKey{}, requestInfo{id: id, log: log})
}

// RequestID is the ID set by WithRequest, or "".
func RequestID(ctx context.Context) string {
	info, _ := ctx.Value(requestKey{}).(requestInfo)
	return info.id
}

// RequestLogger is the logger set by WithRequest, or fallback.
func RequestLogger(ctx context.Context, fallback *slog.Logger) *slog.Logger {
	if info, ok := ctx.Value(requestKey{}).(requestInfo); ok && info.log != nil {
		return info.log
	}
	return fallback
}
