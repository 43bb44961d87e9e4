package web

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"kmsconsole/store"
)

var fuzzReviewHidden = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)"`)

// FuzzPlaceOrder posts any form body to POST /orders, as the review page's form
// would: a wrong form is shown again (422, or 409 for a token another session used),
// a good one placed (303 to the order), never a 5xx, and what the buyer typed never
// shows as markup.
func FuzzPlaceOrder(f *testing.F) {
	s, logs := fuzzServerOn(f, fuzzStore(f))
	// The review page's own forms, as a browser would post them.
	for _, estimate := range []string{
		"ssm?region=ap-tokyo&credentials=2500&qps_units=2&billing=annual&term=1",
		"kms?region=ap-tokyo&customer_keys=10&api_calls=100000",
	} {
		w := fuzzServe(s, logs, httptest.NewRequest(http.MethodGet, "/purchase/"+estimate, nil))
		form := url.Values{}
		for _, m := range fuzzReviewHidden.FindAllStringSubmatch(w.Body.String(), -1) {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
		if form.Get("token") == "" || form.Get("terms_hash") == "" {
			f.Fatalf("review page %s: %d, no token or terms hash in its form", estimate, w.Code)
		}
		form.Set("account_id", "100012345678")
		form.Set("contact_name", "Ada Lovelace")
		form.Set("contact_email", "ada@example.com")
		form.Set("accept_terms", "yes")
		f.Add(form.Encode())
		for _, edit := range [][2]string{
			{"accept_terms", ""}, {"account_id", "12345678901234567890123"}, {"contact_email", "ada@@example"},
			{"contact_name", `<script>alert(1)</script>`}, {"contact_name", "\"><img src=x onerror=alert(1)>"},
			{"terms_hash", "0000"}, {"token", "not-a-token"}, {"credentials", "-1"}, {"region", "ap-nowhere"},
			{"product", "share"}, {"product", "ssm_legacy"},
		} {
			nearly := url.Values{}
			for k, v := range form {
				nearly[k] = v
			}
			nearly.Set(edit[0], edit[1])
			f.Add(nearly.Encode())
		}
	}
	for _, body := range []string{"", "product=kms", "product=share&share=nope", "%zz", "a=1&a=2;b",
		"product=ssm&token=AAAAAAAAAAAAAAAAAAAAAAAAAA&accept_terms=yes&contact_name=%00%FF"} {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		w := fuzzServe(s, logs, fuzzFormPost("/orders", body, nil))
		fuzzCheck(t, w, logs)
		if w.Code == http.StatusSeeOther && !strings.HasPrefix(w.Header().Get("Location"), "/orders/ord_") {
			t.Fatalf("placed order redirects to %q", w.Header().Get("Location"))
		}
	})
}

// fuzzSignInStore is the store as the sign-in fuzz target needs it to reach every
// branch quickly: an unknown email is a disabled rep with a cheap hash (the handler
// takes the same path, without bcrypt's full cost for every input), and the
// throttle's clock moves 30 s on per attempt, so that the waits start and end
// between attempts instead of holding every input at 429.
type fuzzSignInStore struct {
	store.Store
	cheapHash []byte
	attempts  atomic.Int64
}

func (s *fuzzSignInStore) UserByEmail(ctx context.Context, email string) (store.User, error) {
	u, err := s.Store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrUserNotFound) {
		return store.User{Email: email, PasswordHash: s.cheapHash, Disabled: true}, nil
	}
	return u, err
}

func (s *fuzzSignInStore) clock(now time.Time) time.Time {
	return now.Add(time.Duration(s.attempts.Load()) * 30 * time.Second)
}

func (s *fuzzSignInStore) ThrottleWait(ctx context.Context, keys []string, now time.Time) (time.Duration, error) {
	return s.Store.ThrottleWait(ctx, keys, s.clock(now))
}

func (s *fuzzSignInStore) ThrottleFail(ctx context.Context, keys []string, now time.Time, waitAfter func(int) time.Duration) error {
	return s.Store.ThrottleFail(ctx, keys, s.clock(now), waitAfter)
}

// FuzzSignIn posts any form body to POST /signin: a good email and password signs in
// (303 to a page of this site, whatever "next" says), anything else is refused (401,
// or 429 while the throttle holds), never a 5xx.
func FuzzSignIn(f *testing.F) {
	good := url.Values{"email": {"rep@example.com"}, "password": {repPassword}, "next": {"/desk"}}
	f.Add(good.Encode())
	for _, edit := range [][2]string{
		{"email", " REP@Example.com "}, {"email", "nobody@example.com"}, {"email", "<script>alert(1)</script>"},
		{"password", ""}, {"password", repPassword + " "}, {"password", strings.Repeat("p", 100)},
		{"next", ""}, {"next", "/quotes/new?x=1"}, {"next", "//evil.example"}, {"next", "/\\evil.example"},
		{"next", "https://evil.example/"}, {"next", "/\t/evil.example"}, {"next", "/%2F%2Fevil.example"},
		{"next", "javascript:alert(1)"}, {"next", "\"><script>alert(1)</script>"},
	} {
		v := url.Values{}
		for k, vals := range good {
			v[k] = vals
		}
		v.Set(edit[0], edit[1])
		f.Add(v.Encode())
	}
	for _, body := range []string{"", "email=", "%zz", "email=rep%40example.com&email=x&password=1", "email=%00%FF&password=%FF"} {
		f.Add(body)
	}
	st := &fuzzSignInStore{Store: fuzzStore(f)}
	var err error
	if st.cheapHash, err = bcrypt.GenerateFromPassword([]byte("the password of no one"), bcrypt.MinCost); err != nil {
		f.Fatal(err)
	}
	s, logs := fuzzServerOn(f, st)
	f.Fuzz(func(t *testing.T, body string) {
		st.attempts.Add(1)
		w := fuzzServe(s, logs, fuzzFormPost("/signin", body, nil))
		fuzzCheck(t, w, logs)
		switch w.Code {
		case http.StatusSeeOther:
			if loc := w.Header().Get("Location"); !fuzzSameSite(loc) {
				t.Fatalf("signed in, then sent to %q: another site", loc)
			}
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusTooManyRequests, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d", w.Code)
		}
	})
}

// fuzzSameSite reports whether a browser would follow a Location header to this site:
// net/http turns CR and LF into spaces, browsers drop tabs, trim spaces and control
// characters at either end, and read a backslash as a slash.
func fuzzSameSite(loc string) bool {
	loc = strings.NewReplacer("\r", " ", "\n", " ").Replace(loc)
	loc = strings.ReplaceAll(loc, "\t", "")
	loc = strings.TrimFunc(loc, func(r rune) bool { return r <= ' ' })
	loc = strings.ReplaceAll(loc, `\`, "/")
	return strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//")
}

// FuzzQuoteBuilder posts any form body to the quote builder, POST /quotes/new, as a
// signed-in rep: the builder shows the lines again (200, or 422 when a save is
// refused) or saves (303 to the quote), never a 5xx, and nothing typed shows as
// markup.
func FuzzQuoteBuilder(f *testing.F) {
	for _, action := range []string{"", "add:ssm", "add:kms", "add:ssm_legacy", "add:nothing", "remove:0", "remove:9",
		"dup:1", "dup:-1", "save"} {
		form := builderForm("Acme KMS")
		if action != "" {
			form.Set("action", action)
		}
		f.Add(form.Encode())
	}
	for _, edit := range [][2]string{
		{"name", ""}, {"name", "<script>alert(1)</script>"}, {"customer_account_id", "abc"},
		{"notes", "</textarea><script>alert(1)</script>"}, {"items.0.product", "ssm"}, {"items.0.region", "\"><b>x"},
		{"items.0.customer_keys", "-1"}, {"items.0.api_calls", "1e400"}, {"items.99.product", "kms"},
		{"items.-1.product", "kms"}, {"items.x.product", "kms"}, {"items.0", "kms"},
		{"items.49.credentials", "9223372036854775808"},
	} {
		form := builderForm("Acme KMS")
		form.Set("action", "save")
		form.Set(edit[0], edit[1])
		f.Add(form.Encode())
	}
	for _, body := range []string{"", "action=save", "action=add:", "%zz", "items.0.product=ssm&items.0.product=kms&action=dup:0"} {
		f.Add(body)
	}
	s, logs := fuzzServerOn(f, fuzzStore(f))
	signIn := fuzzServe(s, logs, fuzzFormPost("/signin",
		url.Values{"email": {"rep@example.com"}, "password": {repPassword}}.Encode(), nil))
	session := fuzzCookies(signIn)
	if signIn.Code != http.StatusSeeOther || len(session) == 0 {
		f.Fatalf("sign in: %d, cookies %v", signIn.Code, session)
	}
	f.Fuzz(func(t *testing.T, body string) {
		w := fuzzServe(s, logs, fuzzFormPost("/quotes/new", body, session))
		fuzzCheck(t, w, logs)
		switch w.Code {
		case http.StatusOK, http.StatusUnprocessableEntity, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		case http.StatusSeeOther:
			if loc := w.Header().Get("Location"); !strings.HasPrefix(loc, "/quotes/qte_") {
				t.Fatalf("saved, then sent to %q", loc)
			}
		default:
			t.Fatalf("status %d: %.300s", w.Code, w.Body.String())
		}
	})
}
