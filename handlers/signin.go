package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kmsconsole/auth"
	"kmsconsole/store"
	"kmsconsole/views"
)

// Reps is what the rep pages need of the store.
type Reps interface {
	UserByEmail(ctx context.Context, email string) (store.User, error)
	UserByID(ctx context.Context, id string) (store.User, error)
	ListOrders(ctx context.Context, f store.OrderFilter) ([]store.Order, int, error)
	Order(ctx context.Context, id string) (store.Order, error)
	SetOrderStatus(ctx context.Context, id, to, actor, reason string) (store.Order, error)
	OrderAudit(ctx context.Context, id string) ([]store.AuditEntry, error)
	ListUsers(ctx context.Context) ([]store.User, error)
}

// Throttle counts failed sign-ins per key where every instance sees them (the
// store), so that failures on one instance slow the attempts on all of them. The
// policy (how many are free, how long each wait) is auth.SignInPolicy's.
type Throttle interface {
	ThrottleWait(ctx context.Context, keys []string, now time.Time) (time.Duration, error)
	ThrottleFail(ctx context.Context, keys []string, now time.Time, waitAfter func(failures int) time.Duration) error
	ThrottleClear(ctx context.Context, key string) error
}

// RepSessions is the session manager as the sign-in needs it: renewing the token at
// sign-in and sign-out keeps a session fixed by someone else from becoming a rep's.
type RepSessions interface {
	Sessions
	RenewToken(ctx context.Context) error
	Remove(ctx context.Context, key string)
}

// repKey holds, in the session, the ID of the signed-in rep.
const repKey = "rep"

// signedOutKey holds, in the session, why the rep was signed out, until the sign-in
// page has said it.
const signedOutKey = "signed_out"

// SignInPage shows the sign-in form, and why the rep was signed out when they were.
func (h *Handlers) SignInPage(w http.ResponseWriter, r *http.Request) {
	v := h.signInView(r, r.URL.Query().Get("next"))
	// Said on a page the rep sees: not to a script's fetch that followed a redirect
	// here (the builder's live totals), which would use it up unseen.
	if navigation(r) && h.sessions.PopString(r.Context(), signedOutKey) == "disabled" {
		v.Problem = "Your account has been disabled, so you were signed out. Ask whoever runs the console to enable it again."
	}
	h.render(w, r, http.StatusOK, views.SignInPage(v))
}

// navigation tells a page the browser is showing from a script's request: browsers
// mark every request with Sec-Fetch-Mode; one without it (an old browser, a test
// client) counts as a page.
func navigation(r *http.Request) bool {
	mode := r.Header.Get("Sec-Fetch-Mode")
	return mode == "" || mode == "navigate"
}

func (h *Handlers) signInView(r *http.Request, next string) views.SignIn {
	return views.SignIn{
		Page:     h.page(r, "Sign in", "Sales reps sign in to the quote builder and the order desk."),
		Email:    views.Field{Name: "email", Label: "Email"},
		Password: views.Field{Name: "password", Label: "Password"},
		Next:     safeNext(next),
	}
}

// SignIn checks a rep's email and password, slowing down repeated failures per
// account and per client address on every instance. When the throttle's database
// fails, the attempt is refused (503), never let through unthrottled.
func (h *Handlers) SignIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return
	}
	v := h.signInView(r, r.PostForm.Get("next"))
	email := strings.ToLower(strings.TrimSpace(r.PostForm.Get("email")))
	v.Email.Value = email
	address := h.proxies.Address(r) // the peer, or behind a trusted proxy the client it names
	keys := []string{"account:" + email, "address:" + throttleAddress(address)}
	wait, err := h.throttle.ThrottleWait(r.Context(), keys, time.Now())
	if err != nil {
		h.storeError(w, r, "sign-in throttle", err)
		return
	}
	if wait > 0 {
		seconds := max(int(wait.Round(time.Second)/time.Second), 1)
		w.Header().Set("Retry-After", strconv.Itoa(seconds))
		v.Problem = "Too many failed attempts. Try again in " + waitText(seconds) + "."
		h.render(w, r, http.StatusTooManyRequests, views.SignInPage(v))
		return
	}
	u, err := h.reps.UserByEmail(r.Context(), email)
	var hash []byte
	switch {
	case err == nil:
		hash = u.PasswordHash
	case errors.Is(err, store.ErrUserNotFound):
	default:
		h.storeError(w, r, "sign in", err)
		return
	}
	// Check even without an account, so that the time taken says nothing of which
	// emails exist.
	if !auth.Check(hash, r.PostForm.Get("password")) || u.Disabled {
		// Counted even when the client hangs up at once: a guess must never be free.
		ctx := context.WithoutCancel(r.Context())
		if err := h.throttle.ThrottleFail(ctx, keys, time.Now(), auth.SignInPolicy.WaitAfter); err != nil {
			h.storeError(w, r, "sign-in throttle", err)
			return
		}
		h.logger(r).Warn("sign-in failed", "email", email, "address", address)
		v.Problem = "The email or the password is wrong, or the account is disabled."
		h.render(w, r, http.StatusUnauthorized, views.SignInPage(v))
		return
	}
	// The account's failures are forgotten; the address keeps its record, so that
	// one good account does not launder guesses at others.
	if err := h.throttle.ThrottleClear(r.Context(), keys[0]); err != nil {
		h.storeError(w, r, "sign-in throttle", err)
		return
	}
	if err := h.sessions.RenewToken(r.Context()); err != nil {
		h.storeError(w, r, "renew session", err)
		return
	}
	h.sessions.Put(r.Context(), repKey, u.ID)
	h.sessions.Remove(r.Context(), signedOutKey) // enabled again: the reason is old news
	h.logger(r).Info("signed in", "rep", u.ID)
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

// SignOut ends the rep's session.
func (h *Handlers) SignOut(w http.ResponseWriter, r *http.Request) {
	h.sessions.Remove(r.Context(), repKey)
	if err := h.sessions.RenewToken(r.Context()); err != nil {
		h.storeError(w, r, "renew session", err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// RequireRep lets a request through only for a signed-in, enabled rep, whom it puts
// in the request's context. Pages redirect to the sign-in page; the API answers 401
// without a rep and 403 for a disabled one.
func (h *Handlers) RequireRep(next http.Handler) http.Handler {
	return h.requireRep(next, h.repRefused)
}

// RequireRepToSave is RequireRep for the quote builder's form: a rep whose session
// ended after the page was served (signed out in another tab, or disabled) gets the
// form back as typed, with the way to sign in again, instead of a redirect that
// drops it.
func (h *Handlers) RequireRepToSave(next http.Handler) http.Handler {
	return h.requireRep(next, h.builderSignedOut)
}

func (h *Handlers) requireRep(next http.Handler, refuse func(http.ResponseWriter, *http.Request, int)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := h.sessions.GetString(r.Context(), repKey)
		var u store.User
		var err error
		if id != "" {
			u, err = h.reps.UserByID(r.Context(), id)
		}
		switch {
		case err != nil && !errors.Is(err, store.ErrUserNotFound):
			h.storeError(w, r, "load rep", err)
		case id == "" || err != nil:
			refuse(w, r, http.StatusUnauthorized)
		case u.Disabled:
			h.sessions.Remove(r.Context(), repKey)
			h.sessions.Put(r.Context(), signedOutKey, "disabled") // for the sign-in page to say why
			refuse(w, r, http.StatusForbidden)
		default:
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), repCtxKey{}, u)))
		}
	})
}

func (h *Handlers) repRefused(w http.ResponseWriter, r *http.Request, status int) {
	if isAPI(r) {
		writeAPIError(w, status, "sign in as an enabled sales rep")
		return
	}
	q := url.Values{}
	if r.Method == http.MethodGet {
		q.Set("next", r.URL.RequestURI())
	}
	// Said in the URL too, for the builder's script, whose fetch follows the redirect
	// here and cannot read the page's note (which only a page view uses up).
	if h.sessions.GetString(r.Context(), signedOutKey) == "disabled" {
		q.Set("why", "disabled")
	}
	target := "/signin"
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

type repCtxKey struct{}

// rep is the signed-in rep of a request that passed RequireRep.
func rep(r *http.Request) store.User {
	u, _ := r.Context().Value(repCtxKey{}).(store.User)
	return u
}

// safeNext keeps a redirect after sign-in on this site: a path, never another host.
// Browsers drop tabs and newlines from a URL ("/\t/evil.example" is "//evil.example"),
// so a path with a control character is refused too.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.IndexFunc(next, func(c rune) bool { return c < ' ' || c == 0x7f }) >= 0 {
		return "/desk"
	}
	return next
}

// throttleAddress is what the sign-in throttle counts an address's failures by: an
// IPv4 address itself, and an IPv6 address's /64 network, since one IPv6 client
// usually holds a whole /64 and could take a new address for every guess.
func throttleAddress(address string) string {
	a, err := netip.ParseAddr(address)
	if err != nil || !a.Is6() || a.Is4In6() {
		return address
	}
	return netip.PrefixFrom(a.WithZone(""), 64).Masked().String()
}

// formError answers a form that could not be read.
func (h *Handlers) formError(w http.ResponseWriter, r *http.Request, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		h.TooLarge(w, r)
		return
	}
	h.BadRequest(w, r)
}

// waitText says how long a wait of seconds is: in seconds up to a minute, then in
// whole minutes, rounded up ("1 second", "45 seconds", "2 minutes").
func waitText(seconds int) string {
	switch {
	case seconds == 1:
		return "1 second"
	case seconds < 60:
		return strconv.Itoa(seconds) + " seconds"
	case seconds == 60:
		return "1 minute"
	}
	return strconv.Itoa((seconds+59)/60) + " minutes"
}
