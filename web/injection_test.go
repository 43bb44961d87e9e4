package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"kmsconsole/internal/testserver"
	"kmsconsole/pricing"
	"kmsconsole/store"
)

// hostileText is what an attacker types into a text field: SQL that closes a string
// or widens a WHERE clause, LIKE wildcards, and markup that runs script if a page
// shows it raw.
var hostileText = []string{
	`'); DROP TABLE orders;--`,
	`" OR 1=1 --`,
	`%' OR '1'='1`,
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
}

// sqlEmails are valid email addresses that are SQL too: the email field must take
// them, store them verbatim and find them by search, and run none of it.
var sqlEmails = []string{`o'or'1'='1@example.com`, `100%_x'--@example.com`}

// assertNoMarkup fails when an answer carries markup from hostileText as markup.
func assertNoMarkup(t *testing.T, where, body string) {
	t.Helper()
	for _, raw := range []string{"<script>alert(1)", "<img src=x"} {
		if strings.Contains(body, raw) {
			t.Errorf("%s shows %q raw", where, raw)
		}
	}
}

// assertShownEscaped fails unless a page shows text, escaped as HTML.
func assertShownEscaped(t *testing.T, where, body, text string) {
	t.Helper()
	assertNoMarkup(t, where, body)
	if !strings.Contains(body, html.EscapeString(text)) {
		t.Errorf("%s does not show %q (escaped: %q)", where, text, html.EscapeString(text))
	}
}

// getOK fetches a page that must answer 200.
func getOK(t *testing.T, c *testserver.Client, path string) string {
	t.Helper()
	code, body, _ := c.Get(path)
	if code != http.StatusOK {
		t.Errorf("GET %s: %d, want 200: %.200s", path, code, body)
	}
	return body
}

var quoteRow = regexp.MustCompile(`href="/quotes/(qte_[a-z0-9]+)"`)

func idsIn(re *regexp.Regexp, body string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestHostileTextInEveryFieldIsStoredVerbatimAndShownEscaped(t *testing.T) {
	forEachStore(t, testHostileText)
}

func testHostileText(t *testing.T, databaseURL string) {
	f := newSecFixture(t, databaseURL, false)
	ctx := context.Background()
	rep, buyer := f.rep(), f.client()
	orders := 2 // the fixture's

	t.Run("order form", func(t *testing.T) {
		var placed []string
		for _, text := range hostileText {
			form := buyer.ReviewForm(tokyoAnnual + "&again=1")
			// The fields a check refuses: a clear 422 naming the field, the value
			// given back escaped, nothing recorded.
			for field, msg := range map[string]string{"account_id": "digits only", "contact_email": "like name@example.com"} {
				refused := url.Values{}
				for k, v := range form {
					refused[k] = v
				}
				refused.Set(field, text)
				code, body, _ := buyer.Post("/orders", refused, nil)
				if code != http.StatusUnprocessableEntity || !strings.Contains(body, msg) {
					t.Errorf("%s=%q: %d, want 422 saying %q", field, text, code, msg)
				}
				assertShownEscaped(t, "the refused order form", body, text)
			}
			// The contact name takes any printable text.
			form.Set("contact_name", text)
			id, err := buyer.PlaceOrder(form)
			if err != nil {
				t.Fatalf("contact_name=%q: %v", text, err)
			}
			orders++
			placed = append(placed, id)
			if o, err := f.st.Order(ctx, id); err != nil || o.Buyer.ContactName != text {
				t.Errorf("stored contact name %q, %v; want %q", o.Buyer.ContactName, err, text)
			}
			assertShownEscaped(t, "the order page", getOK(t, buyer, "/orders/"+id), text)
			assertShownEscaped(t, "the desk's order page", getOK(t, rep, "/desk/orders/"+id), text)
		}
		assertNoMarkup(t, "My orders", getOK(t, buyer, "/orders"))
		if got := buyer.MyOrders(); len(got) != len(hostileText) {
			t.Errorf("My orders lists %d orders, want %d", len(got), len(hostileText))
		}

		for _, email := range sqlEmails {
			form := buyer.ReviewForm(tokyoAnnual + "&again=1")
			form.Set("contact_email", email)
			id, err := buyer.PlaceOrder(form)
			if err != nil {
				t.Fatalf("contact_email=%q: %v", email, err)
			}
			orders++
			if o, err := f.st.Order(ctx, id); err != nil || o.Buyer.ContactEmail != email {
				t.Errorf("stored email %q, %v; want %q", o.Buyer.ContactEmail, err, email)
			}
			body := getOK(t, rep, "/desk?q="+url.QueryEscape(email))
			if got := idsIn(deskRow, body); !slices.Equal(got, []string{id}) {
				t.Errorf("the desk's search for %q finds %v, want only %s", email, got, id)
			}
			assertShownEscaped(t, "the desk", body, email)
			assertShownEscaped(t, "the desk's order page", getOK(t, rep, "/desk/orders/"+id), email)
			var api struct {
				Orders []struct {
					ID           string `json:"id"`
					ContactEmail string `json:"contact_email"`
				}
				Total int
			}
			if err := json.Unmarshal([]byte(getOK(t, rep, "/api/v1/orders?q="+url.QueryEscape(email))), &api); err != nil ||
				api.Total != 1 || api.Orders[0].ID != id || api.Orders[0].ContactEmail != email {
				t.Errorf("the order API's search for %q: %+v %v", email, api, err)
			}
		}

		// Each hostile text as the reason of a status change (after a word of its own,
		// as the order's contact name is the same text): stored in the audit log as
		// typed and shown escaped there.
		for i, text := range hostileText {
			reason := "reason " + text
			code, body, _ := rep.Post("/desk/orders/"+placed[i]+"/status", url.Values{"to": {"confirmed"}, "reason": {reason}}, nil)
			if code != http.StatusSeeOther {
				t.Errorf("reason %q: %d: %.200s", reason, code, body)
				continue
			}
			audit, err := f.st.OrderAudit(ctx, placed[i])
			if err != nil || len(audit) == 0 || audit[len(audit)-1].Reason != reason {
				t.Errorf("the audit log of %s: %+v %v; want the reason %q", placed[i], audit, err, reason)
			}
			assertShownEscaped(t, "the audit log", getOK(t, rep, "/desk/orders/"+placed[i]), reason)
		}
	})

	t.Run("desk filters", func(t *testing.T) {
		for _, text := range append(hostileText, "%", "_") {
			for _, param := range []string{"q", "status", "product", "region", "rep", "from", "to", "page"} {
				path := "/desk?" + param + "=" + url.QueryEscape(text)
				code, body, _ := rep.Get(path)
				if code != http.StatusOK {
					t.Errorf("GET %s: %d", path, code)
				}
				switch param {
				case "q", "from", "to": // shown back in their text fields
					assertShownEscaped(t, path, body, text)
				default:
					assertNoMarkup(t, path, body)
				}
				if param == "q" && len(idsIn(deskRow, body)) != 0 {
					t.Errorf("%s lists orders: the search is an exact match, never a pattern", path)
				}
				code, body, _ = rep.Get("/api/v1/orders?" + param + "=" + url.QueryEscape(text))
				if code != http.StatusOK && code != http.StatusUnprocessableEntity {
					t.Errorf("GET /api/v1/orders?%s=%q: %d", param, text, code)
				}
				assertNoMarkup(t, "the order API", body)
			}
		}
	})

	t.Run("quote builder", func(t *testing.T) {
		quotes := map[string]string{} // ID: the hostile text in its name, customer and notes
		for _, text := range hostileText {
			form := builderForm(text)
			form.Set("customer_name", text)
			form.Set("notes", text)
			id, _ := saveQuote(t, rep, "/quotes/new", form)
			quotes[id] = text
			ver, err := f.st.QuoteVersionAt(ctx, id, 0)
			if err != nil || ver.Name != text || ver.CustomerName != text || ver.Notes != text {
				t.Errorf("stored %q, %q, %q (%v); want %q for each", ver.Name, ver.CustomerName, ver.Notes, err, text)
			}
			if code, _, _ := rep.Post("/quotes/"+id+"/shares", url.Values{}, nil); code != http.StatusSeeOther {
				t.Fatalf("share: %d", code)
			}
			shares, err := f.st.SharesOf(ctx, id)
			if err != nil || len(shares) != 1 {
				t.Fatalf("shares %v %v", shares, err)
			}
			for _, page := range []string{"/quotes/" + id, "/quotes/" + id + "/v/1", "/quotes/" + id + "/v/1/print"} {
				assertShownEscaped(t, page, getOK(t, rep, page), text)
			}
			anyone := f.client()
			assertShownEscaped(t, "the shared quote", getOK(t, anyone, "/s/"+shares[0].Token), text)
			assertNoMarkup(t, "the shared quote's review", getOK(t, anyone, "/s/"+shares[0].Token+"/purchase"))
			assertNoMarkup(t, "the JSON export", getOK(t, rep, "/quotes/"+id+"/v/1/export.json"))
			csvBody := getOK(t, rep, "/quotes/"+id+"/v/1/export.csv")
			assertNoMarkup(t, "the CSV export", csvBody)
			assertNoFormulaCells(t, csvBody)

			// The quote list's search is a substring, never a pattern: it finds this
			// quote and no other.
			list := getOK(t, rep, "/quotes?q="+url.QueryEscape(text))
			assertShownEscaped(t, "the quote list", list, text)
			if got := idsIn(quoteRow, list); !slices.Equal(got, []string{id}) {
				t.Errorf("the quote list's search for %q finds %v, want only %s", text, got, id)
			}
		}
		list := getOK(t, rep, "/quotes")
		for _, text := range quotes {
			assertShownEscaped(t, "the quote list", list, text)
		}

		// The customer's account ID is digits only: refused with the field's message.
		for _, text := range hostileText {
			form := builderForm("Refused")
			form.Set("customer_account_id", text)
			form.Set("action", "save")
			code, body, _ := rep.Post("/quotes/new", form, nil)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "digits only") {
				t.Errorf("customer_account_id=%q: %d, want 422 saying digits only", text, code)
			}
			assertShownEscaped(t, "the refused builder", body, text)
		}

		// The lines' fields: a product, a region, counts. Refused with a message,
		// given back escaped (a select shows its options rather than the value).
		for _, field := range []string{"items.0.product", "items.0.region", "items.0.customer_keys", "items.1.api_calls", "items.1.days"} {
			for _, text := range hostileText {
				form := builderForm("Lines")
				form.Set(field, text)
				for action, status := range map[string]int{"update": http.StatusOK, "save": http.StatusUnprocessableEntity} {
					form.Set("action", action)
					code, body, _ := rep.Post("/quotes/new", form, nil)
					if code != status {
						t.Errorf("%s=%q, %s: %d, want %d", field, text, action, code, status)
					}
					if strings.HasSuffix(field, ".region") {
						assertNoMarkup(t, "the builder", body)
					} else {
						assertShownEscaped(t, "the builder", body, text)
					}
				}
				code, body, _ := rep.Get("/quotes/preview?" + form.Encode())
				if code != http.StatusOK {
					t.Errorf("preview with %s=%q: %d", field, text, code)
				}
				assertNoMarkup(t, "the preview", body)
			}
		}
		if _, total, err := f.st.ListQuotes(ctx, "", 0, 0); err != nil || total != 1+len(hostileText) {
			t.Errorf("%d quotes (%v), want %d: a refused quote was saved", total, err, 1+len(hostileText))
		}

		// % and _ are themselves in a search.
		named := map[string]string{}
		for _, name := range []string{"Plan 100% off", "Plan 1000 off", "Plan a_b", "Plan axb"} {
			id, _ := saveQuote(t, rep, "/quotes/new", builderForm(name))
			named[name] = id
		}
		percent := func() string {
			for id, text := range quotes {
				if strings.Contains(text, "%") {
					return id
				}
			}
			return ""
		}()
		for search, want := range map[string][]string{
			"100%": {named["Plan 100% off"]},
			"%":    {named["Plan 100% off"], percent},
			"a_b":  {named["Plan a_b"]},
			"_":    {named["Plan a_b"]},
		} {
			got := idsIn(quoteRow, getOK(t, rep, "/quotes?q="+url.QueryEscape(search)))
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("the quote list's search for %q finds %v, want %v", search, got, want)
			}
		}
	})

	t.Run("estimators", func(t *testing.T) {
		for _, page := range []struct{ path, product string }{
			{"/ssm", "ssm"}, {"/ssm/quote", "ssm"}, {"/purchase/ssm", "ssm"},
			{"/kms", "kms"}, {"/kms/quote", "kms"}, {"/purchase/kms", "kms"},
		} {
			for _, field := range append(slices.Clone(pricing.FieldNames(page.product)), "term", "legacy", "size") {
				for _, text := range hostileText {
					path := page.path + "?" + field + "=" + url.QueryEscape(text)
					code, body, _ := buyer.Get(path)
					if code >= 500 {
						t.Errorf("GET %s: %d", path, code)
					}
					assertNoMarkup(t, path, body)
				}
			}
		}
	})

	t.Run("sign-in", func(t *testing.T) {
		// A rep whose email is the hostile text (the store takes any email), with a
		// password of their own: the look-up must find exactly them. (An unknown
		// email would cost a full bcrypt each, which is slow under -race.)
		const theirs = "their own password"
		hash, err := bcrypt.GenerateFromPassword([]byte(theirs), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		// Five failures: after a sixth, the next from this address would be slowed down.
		for _, text := range hostileText {
			if _, err := f.st.AddUser(ctx, text, hash); err != nil {
				t.Fatalf("add a rep %q: %v", text, err)
			}
			c := f.client()
			code, body, _ := c.Post("/signin", url.Values{"email": {text}, "password": {repPassword}, "next": {"/desk"}}, nil)
			if code != http.StatusUnauthorized {
				t.Errorf("email=%q with another rep's password: %d, want 401", text, code)
			}
			assertShownEscaped(t, "the refused sign-in", body, strings.ToLower(text))
			if signedIn(c) {
				t.Errorf("email=%q with another rep's password signed in", text)
			}
			if code, _ := signIn(t, c, text, theirs); code != http.StatusSeeOther || !signedIn(c) {
				t.Errorf("email=%q with its own password: %d, want signed in", text, code)
			}
			next := "/quotes?q=" + text
			assertShownEscaped(t, "the sign-in page", getOK(t, f.client(), "/signin?next="+url.QueryEscape(next)), next)
		}
	})

	// Every table is still there, with everything placed and nothing else.
	if _, total, err := f.st.ListOrders(ctx, store.OrderFilter{}); err != nil || total != orders {
		t.Errorf("%d orders (%v), want %d", total, err, orders)
	}
	if _, total, err := f.st.ListQuotes(ctx, "", 0, 0); err != nil || total != 1+len(hostileText)+4 {
		t.Errorf("%d quotes (%v), want %d", total, err, 1+len(hostileText)+4)
	}
	if users, err := f.st.ListUsers(ctx); err != nil || len(users) != 3+len(hostileText) {
		t.Errorf("%d reps (%v), want %d", len(users), err, 3+len(hostileText))
	}
	getOK(t, rep, "/desk")
}

// assertNoFormulaCells fails when a CSV cell would be read as a formula by a
// spreadsheet: one that starts with = + - or @.
func assertNoFormulaCells(t *testing.T, body string) {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("CSV cell %q reads as a formula", cell)
			}
		}
	}
}

// formulaStore is a store whose saved versions have lines whose description starts
// like a formula (no price book line does today; a future one, or an edited snapshot,
// might).
type formulaStore struct{ store.Store }

var formulaCells = []string{`=HYPERLINK("https://evil.example","x")`, "+1+1", "-1+1", "@SUM(A1)"}

func (s formulaStore) QuoteVersionAt(ctx context.Context, id string, version int) (store.QuoteVersion, error) {
	v, err := s.Store.QuoteVersionAt(ctx, id, version)
	if err != nil {
		return v, err
	}
	var lines []pricing.Line
	for _, f := range formulaCells {
		l := v.Quote.Items[0].Lines[0]
		l.Description = f
		lines = append(lines, l)
	}
	v.Quote.Items[0].Lines = lines
	return v, nil
}

func TestCSVExportNeutralisesFormulas(t *testing.T) {
	st := repStoreOn(t, "")
	book, _ := pricing.EmbeddedBook()
	srv := httptest.NewServer(newServerWith(t, slog.New(slog.DiscardHandler), book, formulaStore{st}))
	t.Cleanup(srv.Close)
	rep := testserver.NewClient(t, srv.URL)
	signIn(t, rep, "rep@example.com", repPassword)
	id, v := saveQuote(t, rep, "/quotes/new", builderForm("Formulas"))
	body := getOK(t, rep, "/quotes/"+id+"/v/"+v+"/export.csv")
	assertNoFormulaCells(t, body)
	for _, f := range formulaCells {
		if !strings.Contains(body, "'"+f) && !strings.Contains(body, `"'`+strings.ReplaceAll(f, `"`, `""`)+`"`) {
			t.Errorf("the CSV does not keep %q as text (prefixed with ')", f)
		}
	}
}
