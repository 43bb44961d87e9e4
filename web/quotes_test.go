package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"golang.org/x/crypto/bcrypt"

	"kmsconsole/internal/testserver"
	"kmsconsole/pricing"
	"kmsconsole/store"
)

// builderForm is a two-line quote: KMS in two regions, which share one free tier.
func builderForm(name string) url.Values {
	return url.Values{
		"name": {name}, "customer_name": {"Acme Ltd"}, "customer_account_id": {"100012345678"}, "notes": {"Q4 plan"},
		"items.0.product": {"kms"}, "items.0.region": {"ap-tokyo"}, "items.0.customer_keys": {"10"},
		"items.0.api_calls": {"15000"}, "items.0.days": {"30"},
		"items.1.product": {"kms"}, "items.1.region": {"ap-beijing"}, "items.1.customer_keys": {"0"},
		"items.1.api_calls": {"15000"}, "items.1.days": {"30"},
	}
}

var quoteIDInURL = regexp.MustCompile(`^/quotes/(qte_[a-z0-9]+)\?saved=(\d+)$`)

// addRep adds a rep with the email, and the test reps' password.
func addRep(t *testing.T, st store.Store, email string) {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(repPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddUser(t.Context(), email, hash); err != nil {
		t.Fatal(err)
	}
}

func saveQuote(t *testing.T, rep *testserver.Client, path string, form url.Values) (string, string) {
	t.Helper()
	form.Set("action", "save")
	code, body, h := rep.Post(path, form, nil)
	m := quoteIDInURL.FindStringSubmatch(h.Get("Location"))
	if code != http.StatusSeeOther || m == nil {
		t.Fatalf("save: %d %q %.300s", code, h.Get("Location"), body)
	}
	return m[1], m[2]
}

func TestQuoteBuilderSavesVersionsAndExports(t *testing.T) { forEachStore(t, testBuilder) }

func testBuilder(t *testing.T, databaseURL string) {
	srv, _ := repServerOn(t, databaseURL)
	rep := testserver.NewClient(t, srv.URL)
	signIn(t, rep, "rep@example.com", repPassword)

	// Lines are added, duplicated and removed on the server (no JavaScript needed).
	form := builderForm("Acme KMS")
	form.Set("action", "add:ssm")
	if code, body, _ := rep.Post("/quotes/new", form, nil); code != http.StatusOK || strings.Count(body, `data-testid="builder-line"`) != 3 {
		t.Errorf("add a line: %d", code)
	}
	form.Set("action", "dup:0")
	if _, body, _ := rep.Post("/quotes/new", form, nil); strings.Count(body, `data-testid="builder-line"`) != 3 {
		t.Error("duplicate a line")
	}
	full := builderForm("Acme KMS")
	for i := 2; i < pricing.MaxItems; i++ {
		full.Set("items."+strconv.Itoa(i)+".product", "kms")
		full.Set("items."+strconv.Itoa(i)+".region", "ap-tokyo")
	}
	full.Set("action", "add:kms")
	if _, body, _ := rep.Post("/quotes/new", full, nil); strings.Count(body, `data-testid="builder-line"`) != pricing.MaxItems ||
		!strings.Contains(body, "A quote holds at most 50 lines: no line was added.") {
		t.Error("adding a line to a full quote must say why nothing was added")
	}
	// The 50th line is added, and nothing says otherwise.
	full.Del("items.49.product")
	full.Del("items.49.region")
	for _, action := range []string{"add:kms", "dup:0"} {
		full.Set("action", action)
		if _, body, _ := rep.Post("/quotes/new", full, nil); strings.Count(body, `data-testid="builder-line"`) != pricing.MaxItems ||
			strings.Contains(body, "no line was added") {
			t.Errorf("%s on 49 lines must add the 50th without a word against it", action)
		}
	}
	// The page comes back with the focus on the line an action added, or on the one
	// that took a removed line's place (the one before it, for the last); only there.
	focused := regexp.MustCompile(`<(?:select|input)[^>]* id="([^"]+)"[^>]* autofocus>`)
	for action, want := range map[string]string{"add:kms": "items.2.region", "dup:0": "items.1.region", "remove:1": "items.0.region", "remove:0": "items.0.region"} {
		two := builderForm("Acme KMS")
		two.Set("action", action)
		_, body, _ := rep.Post("/quotes/new", two, nil)
		if got := focused.FindAllStringSubmatch(body, -1); len(got) != 1 || got[0][1] != want {
			t.Errorf("%s: the focus goes to %q, want %s", action, got, want)
		}
	}
	form.Set("action", "remove:1")
	if _, body, _ := rep.Post("/quotes/new", form, nil); strings.Count(body, `data-testid="builder-line"`) != 1 {
		t.Error("remove a line")
	}
	// The totals apply the free tier once across the lines: 30,000 calls, 10,000 billable.
	form.Set("action", "update")
	_, body, _ := rep.Post("/quotes/new", form, nil)
	if !strings.Contains(body, `data-testid="quote-monthly-total">18.18`) { // 18.00 + 0.18
		t.Errorf("the two regions share one free tier: %s", regexp.MustCompile(`quote-monthly-total">[^<]*`).FindString(body))
	}
	// A quote of no lines is refused in the builder's words.
	none := url.Values{"name": {"Empty"}, "action": {"save"}}
	if code, body, _ := rep.Post("/quotes/new", none, nil); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `data-testid="form-problem" tabindex="-1" autofocus>Add at least one line to price.</div>`) {
		t.Errorf("a quote of no lines: %d; it must say to add a line", code)
	}
	noName := builderForm("")
	noName.Set("action", "save")
	if code, body, _ := rep.Post("/quotes/new", noName, nil); code != http.StatusUnprocessableEntity || !strings.Contains(body, "<title>Error: Quote builder") {
		t.Errorf("a quote needs a name: %d, and a title that says so", code)
	}
	// Text fields are bounded in characters, told at the field, and kept as typed.
	long := builderForm(strings.Repeat("名", 200))
	long.Set("notes", strings.Repeat("n", 2001))
	long.Set("action", "save")
	code, body, _ := rep.Post("/quotes/new", long, nil)
	if code != http.StatusUnprocessableEntity || strings.Count(body, `data-testid="field-error"`) != 1 || // the name's 200 are fine
		!strings.Contains(body, "Keep this to 2,000 characters; it has 2,001.") || !strings.Contains(body, strings.Repeat("n", 2001)) {
		t.Errorf("notes of 2,001 characters: %d", code)
	}
	if !strings.Contains(body, "Shown to the customer on the shared quote") {
		t.Error("the notes field must say the customer sees it")
	}

	id, v := saveQuote(t, rep, "/quotes/new", builderForm("Acme KMS"))
	if v != "1" {
		t.Errorf("first version %s", v)
	}
	more := builderForm("Acme KMS")
	more.Set("items.0.customer_keys", "20")
	if _, v := saveQuote(t, rep, "/quotes/"+id, more); v != "2" {
		t.Errorf("second version %s", v)
	}
	code, body, _ = rep.Get("/quotes/" + id)
	if code != http.StatusOK || !strings.Contains(body, `value="20"`) || !strings.Contains(body, "/quotes/"+id+"/v/1") ||
		!strings.Contains(body, `<td class="num">36.18</td>`) {
		t.Errorf("the builder opens the latest version with the list of versions: %d", code)
	}
	_, body, _ = rep.Get("/quotes/" + id + "/v/1")
	if !strings.Contains(body, "18.18") {
		t.Error("version 1 stays as it was saved")
	}
	// A rep's view of a version leads on: to its quote, the quotes, the desk.
	for _, link := range []string{`<a href="/quotes/` + id + `">Open the quote in the builder (at its latest version, 2)</a>`, `href="/quotes">Quotes</a>`, `href="/desk">Order desk</a>`} {
		if !strings.Contains(body, link) {
			t.Errorf("a version's page lacks %s", link)
		}
	}
	if _, body, _ := rep.Get("/quotes?q=acme"); !strings.Contains(body, "/quotes/"+id) {
		t.Error("search by customer")
	}
	if _, body, _ := rep.Get("/quotes?q=nothing-like-it"); strings.Contains(body, "/quotes/"+id) {
		t.Error("search filters")
	}

	_, csvBody, h := rep.Get("/quotes/" + id + "/v/2/export.csv")
	rows, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
	if err != nil || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %v %s", err, h.Get("Content-Type"))
	}
	if last := rows[len(rows)-2]; last[7] != "36.18" { // 20 keys: 36.00 + 0.18
		t.Errorf("CSV monthly total row %v", last)
	}
	_, jsonBody, _ := rep.Get("/quotes/" + id + "/v/2/export.json")
	var q struct{ Totals struct{ Monthly string } }
	if json.Unmarshal([]byte(jsonBody), &q) != nil || q.Totals.Monthly != "36.18" {
		t.Errorf("JSON export %s", jsonBody[:min(200, len(jsonBody))])
	}
	if _, body, _ := rep.Get("/quotes/" + id + "/v/2/print"); !strings.Contains(body, "Pricing terms") || !strings.Contains(body, "Acme Ltd") ||
		!strings.Contains(body, `<a href="/quotes/`+id+`/v/2">Back to version 2</a>`) {
		t.Error("the print view has the terms, and a way back")
	}
}

func TestQuoteBuilderRefusesToSaveOverAVersionSavedMeanwhile(t *testing.T) {
	forEachStore(t, testBuilderSaveAfterAnother)
}

// testBuilderSaveAfterAnother: two tabs open one quote; the second to save is told
// about the first's version instead of silently saving over it, and keeps its form.
func testBuilderSaveAfterAnother(t *testing.T, databaseURL string) {
	srv, _ := repServerOn(t, databaseURL)
	rep := testserver.NewClient(t, srv.URL)
	signIn(t, rep, "rep@example.com", repPassword)
	id, _ := saveQuote(t, rep, "/quotes/new", builderForm("Acme KMS"))
	_, body, _ := rep.Get("/quotes/" + id)
	if !strings.Contains(body, `name="after" value="1"`) {
		t.Fatal("the builder must send back the version the edit began from")
	}
	if strings.Contains(body, "data-unsaved") {
		t.Error("the saved version, as opened, holds no unsaved changes")
	}
	first := builderForm("Acme KMS")
	first.Set("after", "1")
	first.Set("items.0.customer_keys", "20")
	if _, v := saveQuote(t, rep, "/quotes/"+id, first); v != "2" {
		t.Fatalf("first tab saved version %s, want 2", v)
	}
	// The same save sent again (a double click) is not a change by someone else: it
	// answers as the first send did, and saves nothing more.
	if code, _, h := rep.Post("/quotes/"+id, first, nil); code != http.StatusSeeOther || h.Get("Location") != "/quotes/"+id+"?saved=2" {
		t.Errorf("a save sent twice: %d %q, want the first send's answer", code, h.Get("Location"))
	}

	second := builderForm("Acme KMS")
	second.Set("after", "1")
	second.Set("notes", "From the second tab")
	second.Set("action", "add:kms") // an action other than save keeps the form's version
	_, body, _ = rep.Post("/quotes/"+id, second, nil)
	if !strings.Contains(body, `name="after" value="1"`) {
		t.Error("adding a line must not move the edit onto the latest version")
	}
	if !strings.Contains(body, "data-unsaved") {
		t.Error("the form after adding a line holds unsaved changes, and must say so to the page script")
	}
	second.Set("action", "save")
	code, body, _ := rep.Post("/quotes/"+id, second, nil)
	if code != http.StatusConflict || !strings.Contains(body, `data-testid="quote-changed"`) ||
		!regexp.MustCompile(`rep@example.com saved version 2 at 20\d\d-\d\d-\d\d \d\d:\d\d UTC`).MatchString(body) || !strings.Contains(body, "save yours as version 3") ||
		!strings.Contains(body, `href="/quotes/`+id+`/v/2"`) {
		t.Fatalf("a save over a version saved meanwhile: %d, without the explanation", code)
	}
	if !strings.Contains(body, "From the second tab") || !strings.Contains(body, `name="after" value="2"`) {
		t.Error("the refused form must come back as typed, now following version 2")
	}
	if _, body, _ := rep.Get("/quotes/" + id); strings.Contains(body, "/quotes/"+id+"/v/3") || !strings.Contains(body, `value="20"`) {
		t.Error("the refused save must store nothing and leave version 2 the latest")
	}
	second.Set("after", "2")
	if _, v := saveQuote(t, rep, "/quotes/"+id, second); v != "3" {
		t.Errorf("saving again after seeing version 2 gave version %s, want 3", v)
	}
	// A tab left open since version 1: two versions came since, and it says so.
	stale := builderForm("Acme KMS")
	stale.Set("after", "1")
	stale.Set("action", "save")
	if code, body, _ := rep.Post("/quotes/"+id, stale, nil); code != http.StatusConflict ||
		!strings.Contains(body, "Versions 2 to 3 were saved while you were editing, the latest by rep@example.com at ") {
		t.Errorf("a save after two versions saved meanwhile: %d, without naming both", code)
	}
	// A form from before the field existed saves after the latest, as it used to.
	old := builderForm("Acme KMS")
	if _, v := saveQuote(t, rep, "/quotes/"+id, old); v != "4" {
		t.Errorf("a form without the version saved version %s, want 4", v)
	}

	// The share button shares the version it names, even when a later one was saved.
	rep.Post("/quotes/"+id+"/shares", url.Values{"version": {"2"}}, nil)
	if _, body, _ := rep.Get("/quotes/" + id); !strings.Contains(body, "(version 2)") {
		t.Error("the share link must be of the version its button named")
	}
	for _, version := range []string{"0", "5", "two"} {
		if code, _, _ := rep.Post("/quotes/"+id+"/shares", url.Values{"version": {version}}, nil); code != http.StatusBadRequest {
			t.Errorf("a share of version %q of a quote of 4: %d, want 400", version, code)
		}
	}
	if _, body, _ := rep.Get("/quotes/" + id); strings.Count(body, `data-testid="share"`) != 1 {
		t.Error("a refused share must make no link")
	}
	// The same share sent again (a retry) makes no second link; another version does.
	rep.Post("/quotes/"+id+"/shares", url.Values{"version": {"2"}}, nil)
	if _, body, _ := rep.Get("/quotes/" + id); strings.Count(body, `data-testid="share"`) != 1 {
		t.Error("the same share sent again must not make a second link")
	}
	rep.Post("/quotes/"+id+"/shares", url.Values{"version": {"3"}}, nil)
	if _, body, _ := rep.Get("/quotes/" + id); strings.Count(body, `data-testid="share"`) != 2 {
		t.Error("a share of another version makes its own link")
	}
}

// TestANewQuoteFormCreatesOneQuote: the new-quote form carries the ID its quote is
// saved under, so sending it twice (a double click without the page script, or Back
// and Save again) creates one quote, and a changed resend is shown as a change to it.
func TestANewQuoteFormCreatesOneQuote(t *testing.T) { forEachStore(t, testNewQuoteOnce) }

func testNewQuoteOnce(t *testing.T, databaseURL string) {
	srv, st := repServerOn(t, databaseURL)
	addRep(t, st, "second@example.com")
	rep := testserver.NewClient(t, srv.URL)
	signIn(t, rep, "rep@example.com", repPassword)
	draftField := regexp.MustCompile(`name="draft" value="(qte_[a-z2-7]{26})"`)
	_, body, _ := rep.Get("/quotes/new")
	m := draftField.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the new-quote form must carry the ID its quote will be saved under")
	}
	draft := m[1]
	if _, other, _ := rep.Get("/quotes/new"); strings.Contains(other, draft) {
		t.Error("each new-quote form needs an ID of its own")
	}

	form := builderForm("Acme once")
	form.Set("draft", draft)
	form.Set("action", "add:ssm") // the ID stays with the form through its actions
	if _, body, _ := rep.Post("/quotes/new", form, nil); !strings.Contains(body, `name="draft" value="`+draft+`"`) {
		t.Error("an action must keep the form's ID")
	}
	form.Set("action", "save")
	if id, v := saveQuote(t, rep, "/quotes/new", form); id != draft || v != "1" {
		t.Fatalf("saved as %s version %s, want %s version 1", id, v, draft)
	}
	if code, _, h := rep.Post("/quotes/new", form, nil); code != http.StatusSeeOther || h.Get("Location") != "/quotes/"+draft+"?saved=1" {
		t.Errorf("the same form sent again: %d %q, want the first send's answer", code, h.Get("Location"))
	}
	if _, list, _ := rep.Get("/quotes"); strings.Count(list, "Acme once") != 1 {
		t.Errorf("the quote list holds %d quotes named Acme once, want 1", strings.Count(list, "Acme once"))
	}

	// Back, a change, Save: not a second quote, but a change to the one saved.
	form.Set("notes", "Changed after going back")
	code, body, _ := rep.Post("/quotes/new", form, nil)
	if code != http.StatusConflict || !strings.Contains(body, `data-testid="quote-changed"`) ||
		!strings.Contains(body, `action="/quotes/`+draft+`"`) || !strings.Contains(body, `name="after" value="1"`) ||
		!strings.Contains(body, "Changed after going back") || strings.Contains(body, `name="draft"`) {
		t.Fatalf("a changed resend of a saved new quote: %d, want the form back as an edit of version 1", code)
	}
	if !strings.Contains(body, "This new quote was saved already from this page, as version 1 by rep@example.com at ") ||
		!strings.Contains(body, "<title>Not saved: Quote builder") {
		t.Error("a changed resend of a saved new quote must say it was saved from this page, not by someone meanwhile")
	}
	if _, body, _ := rep.Get("/quotes/" + draft); strings.Contains(body, "/quotes/"+draft+"/v/2") {
		t.Error("the changed resend must save nothing")
	}

	// An ID of another rep's quote is not this form's: it saves a quote of its own,
	// and shows nothing of the other.
	other := testserver.NewClient(t, srv.URL)
	signIn(t, other, "second@example.com", repPassword)
	f := builderForm("Acme by another rep")
	f.Set("draft", draft)
	own, v := saveQuote(t, other, "/quotes/new", f)
	if own == draft || v != "1" || !store.IsQuoteID(own) {
		t.Errorf("another rep's form with this quote's ID saved as %s version %s; want a new quote", own, v)
	}
	if again, v := saveQuote(t, other, "/quotes/new", f); again != own || v != "1" {
		t.Errorf("that form sent again saved as %s version %s; want the first send's %s version 1", again, v, own)
	}
	if _, body, _ := rep.Get("/quotes/" + draft); strings.Contains(body, "/quotes/"+draft+"/v/2") {
		t.Error("another rep's form with this quote's ID must not save to it")
	}

	// A form whose ID is not one saves under a new ID, as forms did before.
	for _, bad := range []string{"", "qte_short", "../quotes", draft + "x"} {
		f := builderForm("Acme other " + bad)
		f.Set("draft", bad)
		if id, _ := saveQuote(t, rep, "/quotes/new", f); id == draft || !store.IsQuoteID(id) {
			t.Errorf("draft %q: saved as %s", bad, id)
		}
	}
}

// TestQuoteListIsPaged: every saved quote can be reached from the list, not only the
// latest few, and a page past the last shows the last.
func TestQuoteListIsPaged(t *testing.T) {
	srv, _ := repServer(t)
	rep := testserver.NewClient(t, srv.URL)
	signIn(t, rep, "rep@example.com", repPassword)
	const n = 53 // a page of 50 and one of 3
	var first string
	for i := range n {
		id, _ := saveQuote(t, rep, "/quotes/new", builderForm(fmt.Sprintf("Plan %02d", i)))
		if i == 0 {
			first = id
		}
	}
	rowLink := regexp.MustCompile(`<td><a href="/quotes/(qte_[a-z0-9]+)">`)
	rows := func(body string) int { return len(rowLink.FindAllString(body, -1)) }

	_, body, _ := rep.Get("/quotes")
	if rows(body) != 50 || !strings.Contains(body, "1 to 50 of 53 quotes") || strings.Contains(body, "/quotes/"+first+`"`) {
		t.Errorf("page 1: %d rows; want the 50 latest, counted", rows(body))
	}
	if !strings.Contains(body, `href="/quotes?page=2" rel="next">Older quotes`) || strings.Contains(body, `rel="prev"`) {
		t.Error("page 1 must link to page 2 only")
	}
	for _, page := range []string{"2", "3", "99999999999"} {
		_, body, _ = rep.Get("/quotes?page=" + page)
		if rows(body) != 3 || !strings.Contains(body, "51 to 53 of 53 quotes") || !strings.Contains(body, "/quotes/"+first+`"`) {
			t.Errorf("page=%s: %d rows; want the last page's 3, with the first quote saved", page, rows(body))
		}
		if !strings.Contains(body, `href="/quotes?page=1" rel="prev">Newer quotes`) || strings.Contains(body, `rel="next"`) {
			t.Errorf("page=%s must link back to page 1 only", page)
		}
	}
	// A search keeps its words in the page links; one page needs no links.
	_, body, _ = rep.Get("/quotes?q=Plan+0")
	if rows(body) != 10 || !strings.Contains(body, "10 quotes, the latest changed first.") || strings.Contains(body, `class="pager"`) {
		t.Errorf("a search of one page: %d rows", rows(body))
	}
	if _, body, _ = rep.Get("/quotes?q=Plan+07"); rows(body) != 1 || !strings.Contains(body, "1 quote.") {
		t.Errorf("a search that finds one: %d rows; it must say \"1 quote.\"", rows(body))
	}
	if _, body, _ = rep.Get("/quotes?q=Plan&page=2"); !strings.Contains(body, `href="/quotes?page=1&amp;q=Plan" rel="prev"`) {
		t.Error("the page links must keep the search")
	}
}

// TestSharedQuoteSaysTheOrderLeavesOldBillingOut: a saved quote's totals include its
// old-billing lines, which an order never holds; every view of it a customer may be
// sent (the share link, the print view, the CSV) and the rep's own view say so, and
// what an order of the other lines costs.
func TestSharedQuoteSaysTheOrderLeavesOldBillingOut(t *testing.T) {
	srv, _ := repServer(t)
	rep := testserver.NewClient(t, srv.URL)
	signIn(t, rep, "rep@example.com", repPassword)
	legacy := map[string]string{"product": "ssm_legacy", "region": "ap-beijing", "credentials": "100", "api_calls": "60000"}
	// The two KMS lines of builderForm cost 18.18 a month; each old-billing line 40.30.
	ordered := `at today's prices <span data-testid="ordered-monthly">18.18 USD</span> a month and <span data-testid="ordered-upfront">0.00 USD</span> up front.`
	for legacyLines, want := range map[int]string{
		1: "The quote's old-billing line is for comparison only, never ordered: an order of this quote holds its other lines, ",
		2: "The quote's 2 old-billing lines are for comparison only, never ordered: an order of this quote holds its other lines, ",
	} {
		form := builderForm(fmt.Sprintf("Acme with %d old-billing lines", legacyLines))
		for i := range legacyLines {
			for k, v := range legacy {
				form.Set(fmt.Sprintf("items.%d.%s", 2+i, k), v)
			}
		}
		id, _ := saveQuote(t, rep, "/quotes/new", form)
		rep.Post("/quotes/"+id+"/shares", url.Values{}, nil)
		_, body, _ := rep.Get("/quotes/" + id)
		m := shareLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no share link on the quote")
		}
		_, shared, _ := testserver.NewClient(t, srv.URL).Get(m[1])
		_, version, _ := rep.Get("/quotes/" + id + "/v/1")
		_, print, _ := rep.Get("/quotes/" + id + "/v/1/print")
		if !strings.Contains(print, "<p>For Acme Ltd (account ID 100012345678). Prepared by rep@example.com. Saved on ") {
			t.Error("the print view says whom it is for, their account, who prepared it and when")
		}
		for page, body := range map[string]string{"shared quote": shared, "rep's view": version, "print view": print} {
			if !strings.Contains(html.UnescapeString(body), want) || !strings.Contains(body, ordered) {
				t.Errorf("%d old-billing lines: the %s must say %q and %q", legacyLines, page, want, ordered)
			}
		}
		if !strings.Contains(shared, m[1]+"/purchase") || !strings.Contains(print, "Pricing terms") {
			t.Errorf("%d old-billing lines: the rest can be ordered, on the terms", legacyLines)
		}
		// The review says why its total is not the quote's.
		_, review, _ := testserver.NewClient(t, srv.URL).Get(m[1] + "/purchase")
		if review = html.UnescapeString(review); !strings.Contains(review, `data-testid="review-leaves-out"`) ||
			!strings.Contains(review, "for comparison only, not part of this order: its total is the other lines'.") ||
			(legacyLines == 2) != strings.Contains(review, "The quote's 2 old-billing lines") {
			t.Errorf("%d old-billing lines: the review must say the order leaves them out", legacyLines)
		}
		_, csvBody, _ := rep.Get("/quotes/" + id + "/v/1/export.csv")
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBody, "\uFEFF"))).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("CSV: %v", err)
		}
		if got := rows[len(rows)-2]; got[0] != "ordered" || got[7] != "18.18" ||
			got[3] != "Monthly total, if ordered: without old billing, at today's prices (USD)" {
			t.Errorf("%d old-billing lines: the CSV's ordered total row %q", legacyLines, got)
		}
		if blank := strings.Join(rows[len(rows)-3], ""); blank != "" || rows[len(rows)-4][0] != "total" {
			t.Errorf("%d old-billing lines: a blank row must part the totals from what an order would total", legacyLines)
		}
	}

	// Old billing alone: nothing to order, and no terms to order it on.
	form := url.Values{"name": {"Old billing only"}}
	for k, v := range legacy {
		form.Set("items.0."+k, v)
	}
	id, _ := saveQuote(t, rep, "/quotes/new", form)
	_, print, _ := rep.Get("/quotes/" + id + "/v/1/print")
	if !strings.Contains(print, "Old billing is for comparison only: nothing in this quote can be ordered.") ||
		strings.Contains(print, "Pricing terms") || strings.Contains(print, "What you are ordering") {
		t.Error("a print of old billing alone says nothing can be ordered, and has no terms")
	}
}

// TestSharedQuoteNamesTheRepItsOrdersGoTo: a rep shares a version another rep saved;
// the customer's page names both, and the order is the sharing rep's, as it says.
func TestSharedQuoteNamesTheRepItsOrdersGoTo(t *testing.T) {
	srv, st := repServer(t)
	addRep(t, st, "second@example.com")
	first, second := testserver.NewClient(t, srv.URL), testserver.NewClient(t, srv.URL)
	signIn(t, first, "rep@example.com", repPassword)
	signIn(t, second, "second@example.com", repPassword)
	id, _ := saveQuote(t, first, "/quotes/new", builderForm("Acme KMS"))
	second.Post("/quotes/"+id+"/shares", url.Values{}, nil)
	_, body, _ := second.Get("/quotes/" + id)
	m := shareLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no share link on the quote")
	}
	customer := testserver.NewClient(t, srv.URL)
	_, body, _ = customer.Get(m[1])
	if !strings.Contains(body, "<dt>Prepared by</dt><dd>rep@example.com</dd>") ||
		!strings.Contains(body, `<dt>Shared by</dt><dd data-testid="shared-by">second@example.com</dd>`) {
		t.Error("the shared quote must name the rep who saved it and the rep who shared it")
	}
	order, err := customer.PlaceOrder(customer.ReviewFormAt(m[1] + "/purchase"))
	if err != nil {
		t.Fatal(err)
	}
	if o, err := st.Order(t.Context(), order); err != nil || o.Rep == "" {
		t.Fatalf("the order: %v %+v", err, o)
	} else if u, err := st.UserByID(t.Context(), o.Rep); err != nil || u.Email != "second@example.com" {
		t.Errorf("the order is credited to %v (%v), want the rep who shared the link", u.Email, err)
	}
	if _, body, _ := first.Get("/api/v1/orders"); !strings.Contains(body, `"rep_email":"second@example.com"`) {
		t.Errorf("the orders API names the rep as the desk does: %s", body)
	}
}

// TestQuoteCSVAddsUp: each subscription's up-front payment is a row of its own, so
// the rows add up to the totals; and a spreadsheet is told the file is UTF-8.
func TestQuoteCSVAddsUp(t *testing.T) {
	srv, _ := repServer(t)
	rep := testserver.NewClient(t, srv.URL)
	signIn(t, rep, "rep@example.com", repPassword)
	form := builderForm("Acme with a subscription")
	for k, v := range map[string]string{"product": "ssm", "region": "ap-tokyo", "edition": "enterprise", "credentials": "2500",
		"qps_units": "0", "billing": "annual", "term_months": "12"} {
		form.Set("items.2."+k, v)
	}
	id, _ := saveQuote(t, rep, "/quotes/new", form)
	_, body, _ := rep.Get("/quotes/" + id + "/v/1/export.csv")
	if !strings.HasPrefix(body, "\uFEFFitem,") {
		t.Errorf("the CSV must start with a byte order mark: %.20q", body)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var monthly, upfront decimal.Decimal
	var totals []string
	for _, row := range rows[1:] {
		amount := decimal.RequireFromString(row[7])
		switch {
		case row[0] == "total":
			totals = append(totals, row[7])
		case strings.HasPrefix(row[3], "Paid up front for "):
			upfront = upfront.Add(amount)
		default:
			monthly = monthly.Add(amount)
		}
	}
	if want := []string{monthly.StringFixed(2), upfront.StringFixed(2)}; strings.Join(totals, " ") != strings.Join(want, " ") ||
		upfront.StringFixed(2) != "19044.00" {
		t.Errorf("the rows add up to %q, the totals say %q", want, totals)
	}
}

// TestBuilderFormSentSignedOutComesBack: a rep signed out in another tab presses Save;
// nothing is saved, and the form comes back as typed (with nothing of the store), to
// be saved once they have signed in again.
func TestBuilderFormSentSignedOutComesBack(t *testing.T) {
	srv, st := repServer(t)
	rep := testserver.NewClient(t, srv.URL)
	signIn(t, rep, "rep@example.com", repPassword)
	id, _ := saveQuote(t, rep, "/quotes/new", builderForm("Acme KMS"))
	rep.Post("/signout", url.Values{}, nil)

	form := builderForm("Acme KMS")
	form.Set("after", "1")
	form.Set("notes", "Typed while signed out")
	form.Set("action", "save")
	code, body, _ := rep.Post("/quotes/"+id, form, nil)
	for _, want := range []string{"<title>Quote not saved", "You are signed out, so nothing was saved or changed.", `href="/signin" target="_blank"`,
		"Typed while signed out", `name="after" value="1"`, `action="/quotes/` + id + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form sent signed out: %d, without %q", code, want)
		}
	}
	if code != http.StatusUnauthorized || strings.Contains(body, "/quotes/"+id+"/v/1") || strings.Contains(body, "Signed in as") {
		t.Errorf("the form sent signed out: %d; it must show nothing of the store", code)
	}
	signIn(t, rep, "rep@example.com", repPassword)
	if _, v := saveQuote(t, rep, "/quotes/"+id, form); v != "2" {
		t.Errorf("saved after signing in again as version %s, want 2", v)
	}
	// A new quote's form keeps the ID it is to be saved under.
	rep.Post("/signout", url.Values{}, nil)
	fresh := builderForm("Acme new")
	fresh.Set("draft", "qte_aaaaaaaaaaaaaaaaaaaaaaaaaa")
	fresh.Set("action", "save")
	if code, body, _ := rep.Post("/quotes/new", fresh, nil); code != http.StatusUnauthorized ||
		!strings.Contains(body, `name="draft" value="qte_aaaaaaaaaaaaaaaaaaaaaaaaaa"`) {
		t.Errorf("a new quote's form sent signed out: %d, without its ID", code)
	}
	signIn(t, rep, "rep@example.com", repPassword)

	// Disabled meanwhile: nothing saved, the form shown to copy from, no sign-in link.
	if err := st.SetUserDisabled(t.Context(), "rep@example.com", true); err != nil {
		t.Fatal(err)
	}
	form.Set("after", "2")
	code, body, _ = rep.Post("/quotes/"+id, form, nil)
	if code != http.StatusForbidden || !strings.Contains(body, "Your account has been disabled, so nothing was saved or changed.") ||
		!strings.Contains(body, "Typed while signed out") || strings.Contains(body, `href="/signin" target="_blank"`) {
		t.Errorf("the form sent by a rep disabled meanwhile: %d", code)
	}
}

var shareLink = regexp.MustCompile(`href="(/s/[A-Za-z0-9_-]+)"[^>]*data-testid="share-link"`)

func TestSharedQuoteIsOrderedAndLinksBack(t *testing.T) { forEachStore(t, testShare) }

func testShare(t *testing.T, databaseURL string) {
	srv, _ := repServerOn(t, databaseURL)
	rep := testserver.NewClient(t, srv.URL)
	signIn(t, rep, "rep@example.com", repPassword)
	id, _ := saveQuote(t, rep, "/quotes/new", builderForm("Acme KMS"))
	rep.Post("/quotes/"+id+"/shares", url.Values{}, nil)
	_, body, _ := rep.Get("/quotes/" + id)
	m := shareLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no share link on the quote")
	}
	link := m[1]
	// Each Revoke button says which link it revokes: its version, and the link itself.
	token := strings.TrimPrefix(link, "/s/")
	if !strings.Contains(body, `id="share-`+token+`"`) ||
		!strings.Contains(body, `aria-label="Revoke the link to version 1" aria-describedby="share-`+token+`">Revoke</button>`) {
		t.Error("each Revoke button must say which link it revokes")
	}

	customer := testserver.NewClient(t, srv.URL)
	code, body, _ := customer.Get(link)
	if code != http.StatusOK || !strings.Contains(body, "18.18") || !strings.Contains(body, "Acme Ltd") || !strings.Contains(body, link+"/purchase") {
		t.Fatalf("the shared quote: %d", code)
	}
	if strings.Contains(body, `data-testid="prices-changed"`) {
		t.Error("the price book has not changed")
	}
	if strings.Contains(body, `data-testid="purchase-leaves-out"`) {
		t.Error("an order of this quote leaves nothing out")
	}
	if strings.Contains(body, `data-testid="shared-by"`) {
		t.Error("the rep who saved the version shared it: the page names them once")
	}
	if strings.Contains(body, `data-testid="newer-version"`) {
		t.Error("the link shows the latest version")
	}
	if _, body, _ := customer.Get(link + "/purchase"); !strings.Contains(body, `<a href="`+link+`">Back to the quote</a>`) {
		t.Error("the review of a shared quote must lead back to the quote, and say so")
	}
	order, err := customer.PlaceOrder(customer.ReviewFormAt(link + "/purchase"))
	if err != nil {
		t.Fatal(err)
	}
	if _, body, _ := rep.Get("/desk?q=" + order); !strings.Contains(body, "rep@example.com") {
		t.Error("the order links back to the rep who shared the quote")
	}
	if _, body, _ := rep.Get("/desk/orders/" + order); !strings.Contains(body, id+", version 1") {
		t.Error("the order links back to the quote version")
	}

	// A later version saved: the link still shows its own, and says a newer one exists.
	newer := builderForm("Acme KMS")
	newer.Set("notes", "Q4 plan, revised")
	saveQuote(t, rep, "/quotes/"+id, newer)
	if _, body, _ := customer.Get(link); !strings.Contains(body, `data-testid="newer-version"`) ||
		!strings.Contains(body, "A newer version of this quote exists. This page shows version 1, which can still be ordered: ask your sales rep for a link to the latest one.") {
		t.Error("a link to an older version must say a newer one exists")
	}

	// A revoked link is gone, and orders nothing.
	// token: the link's, from above
	pending := customer.ReviewFormAt(link + "/purchase?again=1")
	rep.Post("/quotes/"+id+"/shares/"+token+"/revoke", url.Values{}, nil)
	if code, body, _ := customer.Get(link); code != http.StatusNotFound || !strings.Contains(body, "has withdrawn the link") {
		t.Errorf("a revoked link: %d, and it must say it was withdrawn", code)
	}
	// An order sent from a review page opened before the link was revoked: nothing is
	// ordered, and the customer is told why, not shown "page not found".
	if code, body, _ := customer.Post("/orders", pending, nil); code != http.StatusNotFound ||
		!strings.Contains(body, "Nothing was ordered through it. Ask your sales rep for a new link.") {
		t.Errorf("an order on a revoked link: %d", code)
	}
	if _, body, _ := customer.Get("/orders"); strings.Count(body, `href="/orders/ord_`) != 1 {
		t.Error("a revoked link must order nothing")
	}
	if code, _, _ := customer.Get("/s/unknowntokenunknowntokenunknown1"); code != http.StatusNotFound {
		t.Errorf("an unknown token: %d", code)
	}
}

func TestQuoteBuilderLivePreview(t *testing.T) {
	srv, _ := repServer(t)
	rep := testserver.NewClient(t, srv.URL)
	signIn(t, rep, "rep@example.com", repPassword)
	form := builderForm("x")
	code, body, _ := rep.Get("/quotes/preview?" + form.Encode())
	if code != http.StatusOK || !strings.Contains(body, `data-testid="quote-monthly-total">18.18`) {
		t.Errorf("preview: %d", code)
	}
	form.Set("items.1.customer_keys", "-3")
	if _, body, _ := rep.Get("/quotes/preview?" + form.Encode()); !strings.Contains(body, `id="err-items.1.customer_keys"`) || !strings.Contains(body, "negative") {
		t.Error("the preview carries the field's message")
	}
}

// TestSharedQuoteShowsBothFiguresWhenPricesChanged saves a quote under one price book
// and opens its link on a console whose price book has changed since.
func TestSharedQuoteShowsBothFiguresWhenPricesChanged(t *testing.T) {
	srv, st := repServer(t)
	rep := testserver.NewClient(t, srv.URL)
	signIn(t, rep, "rep@example.com", repPassword)
	id, _ := saveQuote(t, rep, "/quotes/new", builderForm("Acme KMS"))
	rep.Post("/quotes/"+id+"/shares", url.Values{}, nil)
	_, body, _ := rep.Get("/quotes/" + id)
	link := shareLink.FindStringSubmatch(body)[1]

	data, _ := json.Marshal(mustBookForTest(t))
	changed := strings.Replace(string(data), `"version":"2025-03-26.1"`, `"version":"2026-01-01.1"`, 1)
	changed = strings.Replace(changed, `"customer_key_per_day":"0.06"`, `"customer_key_per_day":"0.07"`, 1)
	book, err := pricing.ParseBook([]byte(changed))
	if err != nil {
		t.Fatal(err)
	}
	later := httptest.NewServer(newServerWith(t, slog.New(slog.DiscardHandler), book, st))
	defer later.Close()
	customer := testserver.NewClient(t, later.URL)
	_, body, _ = customer.Get(link)
	for _, want := range []string{`data-testid="prices-changed"`, `quote-monthly-total">18.18`, `today-monthly-total">21.18`} {
		if !strings.Contains(body, want) {
			t.Errorf("the shared page lacks %s", want)
		}
	}
	if _, body, _ := customer.Get(link + "/purchase"); !strings.Contains(body, "21.18") {
		t.Error("the order is priced by the price book in force")
	}
	// The rep's own views say so too: the version's page and its print, and the
	// builder, whose quote is priced today beside the versions' saved totals.
	laterRep := testserver.NewClient(t, later.URL)
	signIn(t, laterRep, "rep@example.com", repPassword)
	for _, path := range []string{"/quotes/" + id + "/v/1", "/quotes/" + id + "/v/1/print"} {
		_, body, _ := laterRep.Get(path)
		for _, want := range []string{`data-testid="prices-changed"`, `quote-monthly-total">18.18`, `today-monthly-total">21.18`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %s", path, want)
			}
		}
	}
	// The print's terms are those an order would be placed on: today's.
	if _, body, _ := laterRep.Get("/quotes/" + id + "/v/1/print"); !strings.Contains(body, "Prices are those of price book 2026-01-01.1") ||
		strings.Contains(body, "Prices are those of price book 2025-03-26.1") {
		t.Error("the print view's terms must be those of an order placed today")
	}
	if _, body, _ := laterRep.Get("/quotes/" + id); !strings.Contains(body, `data-testid="versions-other-book"`) ||
		!strings.Contains(body, "priced with price book 2026-01-01.1, in force now") {
		t.Error("the builder must say its versions were saved with an earlier price book")
	}
	if _, body, _ := rep.Get("/quotes/" + id); strings.Contains(body, `data-testid="versions-other-book"`) {
		t.Error("with the same price book, the builder has nothing to say of it")
	}
}

func mustBookForTest(t *testing.T) *pricing.Book {
	t.Helper()
	b, err := pricing.EmbeddedBook()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
