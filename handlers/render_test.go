package handlers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/a-h/templ"
)

// fakeAssets stands in for static.Assets: the handlers only need URLs.
type fakeAssets struct{}

func (fakeAssets) Path(name string) string { return "/static/" + name }

func TestAFailedRenderSendsTheErrorPageNotHalfAPage(t *testing.T) {
	var logs bytes.Buffer
	h := New(Deps{Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Assets: fakeAssets{}})
	half := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, _ = io.WriteString(w, "<p>half a page")
		return errors.New("boom")
	})
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r = r.WithContext(WithRequest(r.Context(), "req-1", nil))
	w := httptest.NewRecorder()

	h.render(w, r, http.StatusOK, half)

	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", w.Code)
	}
	body := w.Body.String()
	if strings.Contains(body, "half a page") || strings.Contains(body, "boom") {
		t.Errorf("response leaks the failed render:\n%s", body)
	}
	if !strings.Contains(body, "Something went wrong") || !strings.Contains(body, "req-1") {
		t.Errorf("response is not the 500 page with the request ID:\n%s", body)
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Errorf("the render error was not logged: %s", logs.String())
	}
}

func TestRequestContextCarriesIDAndLogger(t *testing.T) {
	fallback := slog.New(slog.NewTextHandler(io.Discard, nil))
	if RequestID(context.Background()) != "" || RequestLogger(context.Background(), fallback) != fallback {
		t.Fatal("an empty context should give no ID and the fallback logger")
	}
	reqLog := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := WithRequest(context.Background(), "abc", reqLog)
	if RequestID(ctx) != "abc" || RequestLogger(ctx, fallback) != reqLog {
		t.Fatal("context lost the request ID or logger")
	}
}
