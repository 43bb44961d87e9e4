package web

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"kmsconsole/handlers"
	"kmsconsole/static"
)

// DefaultMaxBodyBytes caps a request body when Deps sets no limit: far above any form
// the console has, far below what could hurt the process.
const DefaultMaxBodyBytes = 1 << 20

// Deps is what the HTTP layer is built from, in main.
type Deps struct {
	Logger       *slog.Logger // nil discards the logs
	Handlers     *handlers.Handlers
	Assets       *static.Assets
	Sessions     *scs.SessionManager // browser sessions of the purchase pages
	MaxBodyBytes int64               // 0 means DefaultMaxBodyBytes
	Metrics      RequestRecorder     // nil records nothing
	// AnswerCacheBytes bounds the memory of the answer cache (answer_cache.go); 0
	// keeps no answers.
	AnswerCacheBytes int64
}

// RequestRecorder counts answered requests by route pattern (*metrics.Metrics), and
// apart from them the answers that were cut off, and the answer cache's hits and
// misses.
type RequestRecorder interface {
	Request(method, route string, status int, took time.Duration)
	RequestAborted(method, route string, took time.Duration)
	AnswerCache(hit bool)
}

// Server is the console's http.Handler: the router behind the middleware.
type Server struct {
	log      *slog.Logger
	h        *handlers.Handlers
	assets   *static.Assets
	sessions *scs.SessionManager
	maxBody  int64
	metrics  RequestRecorder
	answers  *answerCache // nil: none
	router   *chi.Mux
}

// NewServer builds the router from d.
func NewServer(d Deps) *Server {
	s := &Server{log: d.Logger, h: d.Handlers, assets: d.Assets, sessions: d.Sessions, maxBody: d.MaxBodyBytes,
		metrics: d.Metrics, answers: newAnswerCache(d.AnswerCacheBytes)}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	s.router = s.routes()
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}
