package storetest

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kmsconsole/pricing"
	"kmsconsole/store"
)

func saveQuote(t *testing.T, s store.Store, id string, v store.QuoteVersion) (store.SavedQuote, store.QuoteVersion) {
	t.Helper()
	q, saved, err := s.SaveQuote(t.Context(), id, 0, v)
	if err != nil {
		t.Fatalf("SaveQuote(%q): %v", id, err)
	}
	return q, saved
}

// saveApart saves after the previous save's time has passed, so that the order of
// UpdatedAt is the order of the saves.
func saveApart(t *testing.T, s store.Store, id string, v store.QuoteVersion) store.SavedQuote {
	t.Helper()
	time.Sleep(time.Millisecond)
	q, _ := saveQuote(t, s, id, v)
	return q
}

func savedQuote(t *testing.T, s store.Store, id string) store.SavedQuote {
	t.Helper()
	q, err := s.SavedQuote(t.Context(), id)
	if err != nil {
		t.Fatalf("SavedQuote(%q): %v", id, err)
	}
	return q
}

func versionAt(t *testing.T, s store.Store, id string, version int) store.QuoteVersion {
	t.Helper()
	v, err := s.QuoteVersionAt(t.Context(), id, version)
	if err != nil {
		t.Fatalf("QuoteVersionAt(%q, %d): %v", id, version, err)
	}
	return v
}

func requireEqual(t *testing.T, what string, want, got any) {
	t.Helper()
	for _, d := range Diff(want, got) {
		t.Errorf("%s%s", what, d)
	}
}

var (
	quoteID    = regexp.MustCompile(`^qte_[a-z2-7]{26}$`)
	shareToken = regexp.MustCompile(`^[a-z2-7]{52}$`) // 256 bits
)

func testQuoteRoundTrip(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	in := SampleQuoteVersion(rep.ID)
	in.Name = `Acme "phase 2" — 密钥管理 '; DROP TABLE quotes;-- 100% _x_ \n`
	in.Notes = "line one\nline two\ttabbed, emoji 🔐, NUL-free"
	in.Version, in.SavedAt = 7, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) // assigned by the store

	before := time.Now().UTC().Truncate(time.Microsecond)
	q, v := saveQuote(t, s, "", in)
	after := time.Now().UTC()

	if !quoteID.MatchString(q.ID) {
		t.Errorf("ID %q: want qte_ and 26 base32 letters (128 bits)", q.ID)
	}
	if v.SavedAt.Location() != time.UTC || v.SavedAt.Before(before) || v.SavedAt.After(after) {
		t.Errorf("SavedAt = %v, want UTC between %v and %v", v.SavedAt, before, after)
	}
	wantV := in
	wantV.QuoteID, wantV.Version, wantV.SavedAt = q.ID, 1, v.SavedAt
	requireEqual(t, "saved version", wantV, v)
	wantQ := store.SavedQuote{ID: q.ID, Name: in.Name, CustomerName: in.CustomerName,
		CustomerAccountID: in.CustomerAccountID, Notes: in.Notes, Rep: rep.ID,
		CreatedAt: v.SavedAt, UpdatedAt: v.SavedAt, Version: 1}
	requireEqual(t, "saved quote", wantQ, q)

	got := savedQuote(t, s, q.ID)
	requireEqual(t, "quote read back", wantQ, got)
	if got.CreatedAt.Location() != time.UTC || got.UpdatedAt.Location() != time.UTC {
		t.Errorf("quote times read back in %v, %v; want UTC", got.CreatedAt.Location(), got.UpdatedAt.Location())
	}
	for _, version := range []int{1, 0} {
		gotV := versionAt(t, s, q.ID, version)
		requireEqual(t, fmt.Sprintf("version %d read back", version), wantV, gotV)
		if gotV.SavedAt.Location() != time.UTC {
			t.Errorf("SavedAt read back in %v, want UTC", gotV.SavedAt.Location())
		}
		// Exactly as saved, to the last digit: not rounded, not re-priced.
		snap := gotV.Quote
		for _, c := range []struct{ what, got, want string }{
			{"line amount", snap.Items[1].Lines[1].Amount.StringFixed(2), "0.30"},
			{"prorated quantity", snap.Items[1].Lines[1].Quantity.String(), "0.333333"},
			{"unit price", snap.Items[1].Lines[1].UnitPrice.String(), "0.9"},
			{"account line quantity", snap.AccountLines[0].Quantity.String(), "1.2345678"},
			{"monthly total", snap.Totals.Monthly.StringFixed(2), "1868.34"},
			{"upfront total", snap.Totals.Upfront.StringFixed(2), "22380.00"},
			{"SSM unit price", snap.Items[0].Lines[0].UnitPrice.StringFixed(2), "1865.00"},
		} {
			if c.got != c.want {
				t.Errorf("version %d: snapshot %s = %s, want %s", version, c.what, c.got, c.want)
			}
		}
		requireEqual(t, fmt.Sprintf("version %d request", version), in.Request, gotV.Request)
		if len(gotV.Request.Items) != 2 || gotV.Request.Items[1].CustomerKeys != 3 || gotV.Request.Items[0].TermMonths != 12 {
			t.Errorf("version %d: request %+v, want the sample's", version, gotV.Request.Items)
		}
	}
}

func testQuoteVersions(t *testing.T, db database) {
	s := db.open(t)
	owner := addUser(t, s, "owner@example.com")
	editor := addUser(t, s, "editor@example.com")
	first := SampleQuoteVersion(owner.ID)
	q1, v1 := saveQuote(t, s, "", first)
	other, _ := saveQuote(t, s, "", SampleQuoteVersion(owner.ID))

	second := SampleQuoteVersion(editor.ID)
	second.Name, second.CustomerName, second.CustomerAccountID, second.Notes =
		"Rollout, revised", "Acme Holdings", "100099999999", "Two more keys."
	second.Request.Items[1].CustomerKeys = 5
	second.Quote.Totals.Monthly = second.Quote.Totals.Monthly.Add(second.Quote.Totals.Monthly)
	second.Version = 1 // ignored: the store numbers versions
	time.Sleep(time.Millisecond)
	q2, v2 := saveQuote(t, s, q1.ID, second)

	if v2.QuoteID != q1.ID || v2.Version != 2 {
		t.Errorf("second save: quote %s version %d, want %s version 2", v2.QuoteID, v2.Version, q1.ID)
	}
	wantQ := store.SavedQuote{ID: q1.ID, Name: second.Name, CustomerName: second.CustomerName,
		CustomerAccountID: second.CustomerAccountID, Notes: second.Notes,
		Rep: owner.ID, CreatedAt: q1.CreatedAt, UpdatedAt: v2.SavedAt, Version: 2}
	requireEqual(t, "after the second save", wantQ, q2)
	requireEqual(t, "after the second save, read back", wantQ, savedQuote(t, s, q1.ID))
	if !v2.SavedAt.After(v1.SavedAt) {
		t.Errorf("version 2 saved at %v, not after version 1 at %v", v2.SavedAt, v1.SavedAt)
	}

	requireEqual(t, "version 1 after version 2", v1, versionAt(t, s, q1.ID, 1))
	requireEqual(t, "version 2", v2, versionAt(t, s, q1.ID, 2))
	requireEqual(t, "latest", v2, versionAt(t, s, q1.ID, 0))
	if got := versionAt(t, s, q1.ID, 2).Request.Items[1].CustomerKeys; got != 5 {
		t.Errorf("version 2 request: %d customer keys, want 5", got)
	}
	if got := versionAt(t, s, q1.ID, 1).Request.Items[1].CustomerKeys; got != 3 {
		t.Errorf("version 1 request: %d customer keys, want 3 as saved then", got)
	}

	history, err := s.QuoteVersions(t.Context(), q1.ID)
	if err != nil {
		t.Fatalf("QuoteVersions: %v", err)
	}
	// Newest first, without the request and snapshot.
	strip := func(v store.QuoteVersion) store.QuoteVersion {
		v.Request, v.Quote = pricing.Request{}, pricing.Quote{}
		return v
	}
	requireEqual(t, "history", []store.QuoteVersion{strip(v2), strip(v1)}, history)

	if q := savedQuote(t, s, other.ID); q.Version != 1 {
		t.Errorf("saving one quote moved another to version %d", q.Version)
	}
	if h, err := s.QuoteVersions(t.Context(), other.ID); err != nil || len(h) != 1 {
		t.Errorf("other quote's history = %d versions, %v; want 1", len(h), err)
	}

	for _, version := range []int{3, -1, 1 << 30} {
		if _, err := s.QuoteVersionAt(t.Context(), q1.ID, version); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("QuoteVersionAt(version %d): err = %v, want ErrNotFound", version, err)
		}
	}
	for _, id := range []string{"qte_aaaaaaaaaaaaaaaaaaaaaaaaaa", strings.ToUpper(q1.ID), "' OR 1=1 --", "%"} {
		if _, err := s.SavedQuote(t.Context(), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SavedQuote(%q): err = %v, want ErrNotFound", id, err)
		}
		for _, version := range []int{0, 1} {
			if _, err := s.QuoteVersionAt(t.Context(), id, version); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("QuoteVersionAt(%q, %d): err = %v, want ErrNotFound", id, version, err)
			}
		}
		if _, err := s.QuoteVersions(t.Context(), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("QuoteVersions(%q): err = %v, want ErrNotFound", id, err)
		}
		if _, _, err := s.SaveQuote(t.Context(), id, 0, SampleQuoteVersion(owner.ID)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SaveQuote(%q): err = %v, want ErrNotFound", id, err)
		}
	}
	if _, total, _ := s.ListQuotes(t.Context(), "", 0, 0); total != 2 {
		t.Errorf("%d quotes stored, want 2", total)
	}
}

func testQuoteNeedsNameAndUser(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	q, _ := saveQuote(t, s, "", SampleQuoteVersion(rep.ID))

	invalid := map[string]store.QuoteVersion{}
	for name, edit := range map[string]func(v *store.QuoteVersion){
		"no name":      func(v *store.QuoteVersion) { v.Name = "" },
		"blank name":   func(v *store.QuoteVersion) { v.Name = " \t\n" },
		"no user":      func(v *store.QuoteVersion) { v.SavedBy = "" },
		"blank user":   func(v *store.QuoteVersion) { v.SavedBy = "  " },
		"unknown user": func(v *store.QuoteVersion) { v.SavedBy = "usr_aaaaaaaaaaaaaaaaaaaaaaaaaa" },
	} {
		v := SampleQuoteVersion(rep.ID)
		edit(&v)
		invalid[name] = v
	}
	for name, v := range invalid {
		for _, id := range []string{"", q.ID} {
			if _, _, err := s.SaveQuote(t.Context(), id, 0, v); !errors.Is(err, store.ErrInvalidQuote) {
				t.Errorf("%s, quote %q: err = %v, want ErrInvalidQuote", name, id, err)
			}
		}
	}
	requireEqual(t, "after refused saves", q, savedQuote(t, s, q.ID))
	if h, err := s.QuoteVersions(t.Context(), q.ID); err != nil || len(h) != 1 {
		t.Errorf("after refused saves: %d versions, %v; want 1", len(h), err)
	}
	if _, total, _ := s.ListQuotes(t.Context(), "", 0, 0); total != 1 {
		t.Errorf("after refused saves: %d quotes, want 1", total)
	}
}

func testConcurrentQuoteSaves(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	q, _ := saveQuote(t, s, "", SampleQuoteVersion(rep.ID))
	const n = 16
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		got   [n]store.QuoteVersion
		errs  [n]error
	)
	for i := range n {
		wg.Go(func() {
			<-start
			v := SampleQuoteVersion(rep.ID)
			v.Notes = fmt.Sprintf("save %d", i)
			_, got[i], errs[i] = s.SaveQuote(t.Context(), q.ID, 0, v)
		})
	}
	close(start)
	wg.Wait()

	var numbers []int
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("save %d: %v", i, errs[i])
		}
		numbers = append(numbers, got[i].Version)
		// The version holds what this save sent.
		if v := versionAt(t, s, q.ID, got[i].Version); v.Notes != fmt.Sprintf("save %d", i) {
			t.Errorf("save %d was told version %d, which holds %q", i, got[i].Version, v.Notes)
		}
	}
	slices.Sort(numbers)
	for i, v := range numbers {
		if v != i+2 {
			t.Fatalf("versions given %v, want 2 to %d once each", numbers, n+1)
		}
	}
	latest := savedQuote(t, s, q.ID)
	if latest.Version != n+1 {
		t.Errorf("quote at version %d, want %d", latest.Version, n+1)
	}
	if v := versionAt(t, s, q.ID, 0); v.Version != n+1 || v.Notes != latest.Notes {
		t.Errorf("latest version %d notes %q; the quote says version %d notes %q", v.Version, v.Notes, latest.Version, latest.Notes)
	}
	history, err := s.QuoteVersions(t.Context(), q.ID)
	if err != nil || len(history) != n+1 {
		t.Fatalf("QuoteVersions = %d, %v; want %d", len(history), err, n+1)
	}
	for i, v := range history {
		if v.Version != n+1-i {
			t.Errorf("history[%d] is version %d, want %d", i, v.Version, n+1-i)
		}
	}
}

// testSaveAfterAnotherVersion: a save that began from a version no longer the latest
// changes nothing, and of concurrent saves begun from one version exactly one lands.
func testSaveAfterAnotherVersion(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	q, _ := saveQuote(t, s, "", SampleQuoteVersion(rep.ID))
	edit := func(notes string) store.QuoteVersion {
		v := SampleQuoteVersion(rep.ID)
		v.Notes = notes
		return v
	}
	if _, v, err := s.SaveQuote(t.Context(), q.ID, 1, edit("from 1")); err != nil || v.Version != 2 {
		t.Fatalf("save after version 1 = version %d, %v; want 2", v.Version, err)
	}
	before := savedQuote(t, s, q.ID)
	for _, after := range []int{1, 3, -1} {
		if _, _, err := s.SaveQuote(t.Context(), q.ID, after, edit("stale")); !errors.Is(err, store.ErrQuoteChanged) {
			t.Errorf("save after version %d of 2: err = %v, want ErrQuoteChanged", after, err)
		}
	}
	requireEqual(t, "after refused saves", before, savedQuote(t, s, q.ID))
	if h, err := s.QuoteVersions(t.Context(), q.ID); err != nil || len(h) != 2 {
		t.Errorf("after refused saves: %d versions, %v; want 2", len(h), err)
	}
	if _, v, err := s.SaveQuote(t.Context(), q.ID, 2, edit("from 2")); err != nil || v.Version != 3 {
		t.Errorf("save after version 2 = version %d, %v; want 3", v.Version, err)
	}
	if _, v, err := s.SaveQuote(t.Context(), q.ID, 0, edit("unchecked")); err != nil || v.Version != 4 {
		t.Errorf("save after 0 (the latest) = version %d, %v; want 4", v.Version, err)
	}
	if _, _, err := s.SaveQuote(t.Context(), "qte_aaaaaaaaaaaaaaaaaaaaaaaaaa", 1, edit("x")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("save after version 1 of an unknown quote: err = %v, want ErrNotFound", err)
	}

	const n = 8
	landed := raceSaves(t, n, func(i int) error {
		_, _, err := s.SaveQuote(t.Context(), q.ID, 4, edit(fmt.Sprintf("race %d", i)))
		return err
	})
	if latest := savedQuote(t, s, q.ID); landed != 1 || latest.Version != 5 {
		t.Errorf("%d of %d saves begun from version 4 landed, quote at version %d; want 1 and 5", landed, n, latest.Version)
	}
}

// testNewQuoteFromItsID: a new quote saved under an ID made for its form is created
// once, however often the form is sent, and an ID of another form is refused.
func testNewQuoteFromItsID(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	id := store.NewQuoteID()
	if !store.IsQuoteID(id) {
		t.Fatalf("IsQuoteID(NewQuoteID() = %q) = false", id)
	}
	if from := store.QuoteIDFrom("a seed"); !store.IsQuoteID(from) || from != store.QuoteIDFrom("a seed") || from == store.QuoteIDFrom("another") {
		t.Errorf("QuoteIDFrom: %q, want a well-formed ID, the same for the same seed only", from)
	}
	v := SampleQuoteVersion(rep.ID)
	v.QuoteID = id
	q, first := saveQuote(t, s, "", v)
	if q.ID != id || first.QuoteID != id || first.Version != 1 {
		t.Fatalf("new quote under %s: quote %s, version %s/%d", id, q.ID, first.QuoteID, first.Version)
	}
	again := v
	again.Notes = "sent again"
	if _, _, err := s.SaveQuote(t.Context(), "", 0, again); !errors.Is(err, store.ErrQuoteChanged) {
		t.Errorf("second new quote under %s: err = %v, want ErrQuoteChanged", id, err)
	}
	requireEqual(t, "the quote after a second new quote under its ID", q, savedQuote(t, s, id))
	for _, bad := range []string{"qte_", "ord_" + id[4:], id + "a", strings.ToUpper(id), id[:29] + "1", "qte_" + strings.Repeat("a", 25) + "/"} {
		w := SampleQuoteVersion(rep.ID)
		w.QuoteID = bad
		if _, _, err := s.SaveQuote(t.Context(), "", 0, w); !errors.Is(err, store.ErrInvalidQuote) {
			t.Errorf("new quote under %q: err = %v, want ErrInvalidQuote", bad, err)
		}
	}

	const n = 8
	race := SampleQuoteVersion(rep.ID)
	race.QuoteID = store.NewQuoteID()
	landed := raceSaves(t, n, func(int) error {
		_, _, err := s.SaveQuote(t.Context(), "", 0, race)
		return err
	})
	if h, err := s.QuoteVersions(t.Context(), race.QuoteID); landed != 1 || err != nil || len(h) != 1 {
		t.Errorf("%d of %d new quotes under one ID landed, %d versions (%v); want 1 and 1", landed, n, len(h), err)
	}
}

// raceSaves runs n saves at once and says how many landed; a save may fail only
// with ErrQuoteChanged.
func raceSaves(t *testing.T, n int, save func(i int) error) int {
	t.Helper()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = save(i)
		})
	}
	close(start)
	wg.Wait()
	landed := 0
	for i, err := range errs {
		switch {
		case err == nil:
			landed++
		case !errors.Is(err, store.ErrQuoteChanged):
			t.Errorf("racing save %d: %v", i, err)
		}
	}
	return landed
}

func quoteIDs(quotes []store.SavedQuote) []string {
	out := []string{}
	for _, q := range quotes {
		out = append(out, q.ID)
	}
	return out
}

func listQuotes(t *testing.T, s store.Store, search string, offset, limit int) ([]string, int) {
	t.Helper()
	quotes, total, err := s.ListQuotes(t.Context(), search, offset, limit)
	if err != nil {
		t.Fatalf("ListQuotes(%q, %d, %d): %v", search, offset, limit, err)
	}
	return quoteIDs(quotes), total
}

func testListQuotesSearch(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	var q []store.SavedQuote // q[0] saved first
	for _, spec := range []struct{ name, customer string }{
		{"KMS rollout 2025", "Acme Corp"},
		{"100% coverage", "Percent_Co"},
		{"Secrets for ACME", "Initech"},
		{"under_score plan", "Globex"},
		{"Plain", "O'Reilly Media"},
		{`path\to\plan`, "Hooli"},
		{"'; DROP TABLE quotes;--", "Bobby Tables"},
	} {
		v := SampleQuoteVersion(rep.ID)
		v.Name, v.CustomerName = spec.name, spec.customer
		v.Notes, v.CustomerAccountID = "searchable-only-in-notes", "100077777777"
		q = append(q, saveApart(t, s, "", v))
	}
	// A new version makes q[1] the most recently updated.
	v := SampleQuoteVersion(rep.ID)
	v.Name, v.CustomerName = "100% coverage", "Percent_Co"
	q[1] = saveApart(t, s, q[1].ID, v)
	ids := func(idx ...int) []string {
		out := []string{}
		for _, i := range idx {
			out = append(out, q[i].ID)
		}
		return out
	}

	for _, c := range []struct {
		search string
		want   []string
	}{
		{"", ids(1, 6, 5, 4, 3, 2, 0)},
		{"  ", ids(1, 6, 5, 4, 3, 2, 0)},
		{"acme", ids(2, 0)},
		{"ACME", ids(2, 0)},
		{"  aCmE\t", ids(2, 0)},
		{"rollout", ids(0)},
		{"LLOU", ids(0)},
		{"initech", ids(2)},
		{"%", ids(1)},
		{"100%", ids(1)},
		{"0% c", ids(1)},
		{"%cover", nil},
		{"%%", nil},
		{"_", ids(1, 3)},
		{"t_c", ids(1)},
		{"r_s", ids(3)},
		{"_%", nil},
		{"a_me", nil},
		{`\`, ids(5)},
		{`\t`, ids(5)},
		{`\%`, nil},
		{"o'reilly", ids(4)},
		{"'", ids(6, 4)},
		{"'; DROP TABLE quotes;--", ids(6)},
		{"' OR '1'='1", nil},
		{"*", nil},
		{"searchable-only-in-notes", nil},
		{"100077777777", nil},
		{q[0].ID, nil},
		{"zzz", nil},
	} {
		want := c.want
		if want == nil {
			want = []string{}
		}
		got, total := listQuotes(t, s, c.search, 0, 0)
		if !slices.Equal(got, want) {
			t.Errorf("search %q: %v, want %v", c.search, got, want)
		}
		if total != len(want) {
			t.Errorf("search %q: total %d, want %d", c.search, total, len(want))
		}
	}

	// Nothing hostile was executed, and listed quotes are whole quotes.
	quotes, total, err := s.ListQuotes(t.Context(), "", 0, 0)
	if err != nil || total != len(q) {
		t.Fatalf("after the hostile searches: %d quotes, %v; want %d", total, err, len(q))
	}
	for i, got := range quotes {
		requireEqual(t, fmt.Sprintf("listed %d", i), savedQuote(t, s, got.ID), got)
	}
	requireEqual(t, "listed first", q[1], quotes[0])
	if _, err := s.QuoteVersions(t.Context(), q[6].ID); err != nil {
		t.Errorf("after the hostile searches: QuoteVersions: %v", err)
	}
}

func testListQuotesPaging(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	const n = store.MaxQuotesPerPage + 5
	var all, plans []string // newest first
	for i := range n {
		v := SampleQuoteVersion(rep.ID)
		v.Name = fmt.Sprintf("quote %d", i)
		if i%3 == 0 {
			v.Name = fmt.Sprintf("Plan %d", i)
		}
		q, _ := saveQuote(t, s, "", v)
		all = append(all, q.ID)
		if i%3 == 0 {
			plans = append(plans, q.ID)
		}
	}
	slices.Reverse(all)
	slices.Reverse(plans)

	for _, c := range []struct {
		name           string
		search         string
		offset, limit  int
		want           []string
		wantTotalPlans bool
	}{
		{"first page", "", 0, 10, all[:10], false},
		{"second page", "", 10, 10, all[10:20], false},
		{"last, short page", "", n - 3, 10, all[n-3:], false},
		{"past the end", "", n, 10, nil, false},
		{"far past the end", "", 1 << 30, 10, nil, false},
		{"negative offset is 0", "", -5, 3, all[:3], false},
		{"no limit is the maximum", "", 0, 0, all[:store.MaxQuotesPerPage], false},
		{"negative limit is the maximum", "", 0, -1, all[:store.MaxQuotesPerPage], false},
		{"limit above the maximum is the maximum", "", 0, 10 * n, all[:store.MaxQuotesPerPage], false},
		{"searched page", "plan", 2, 5, plans[2:7], true},
	} {
		want := c.want
		if want == nil {
			want = []string{}
		}
		got, total := listQuotes(t, s, c.search, c.offset, c.limit)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", c.name, got, want)
		}
		wantTotal := n
		if c.wantTotalPlans {
			wantTotal = len(plans)
		}
		if total != wantTotal {
			t.Errorf("%s: total %d, want %d (ignoring offset and limit)", c.name, total, wantTotal)
		}
	}
	var walked []string
	for offset := 0; ; offset += 7 {
		page, _ := listQuotes(t, s, "", offset, 7)
		if len(page) == 0 {
			break
		}
		walked = append(walked, page...)
	}
	if !slices.Equal(walked, all) {
		t.Errorf("walking pages of 7 saw %d quotes, want all %d newest first", len(walked), len(all))
	}
}

func createShare(t *testing.T, s store.Store, quoteID string, version int, by string) store.Share {
	t.Helper()
	time.Sleep(time.Millisecond) // so that shares list in the order created
	sh, err := s.CreateShare(t.Context(), quoteID, version, by)
	if err != nil {
		t.Fatalf("CreateShare(%q, %d): %v", quoteID, version, err)
	}
	return sh
}

func sharesOf(t *testing.T, s store.Store, quoteID string) []store.Share {
	t.Helper()
	shares, err := s.SharesOf(t.Context(), quoteID)
	if err != nil {
		t.Fatalf("SharesOf(%q): %v", quoteID, err)
	}
	return shares
}

func testShares(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	manager := addUser(t, s, "manager@example.com")
	q, _ := saveQuote(t, s, "", SampleQuoteVersion(rep.ID))
	saveQuote(t, s, q.ID, SampleQuoteVersion(rep.ID))
	other, _ := saveQuote(t, s, "", SampleQuoteVersion(rep.ID))

	before := time.Now().UTC().Truncate(time.Microsecond)
	first := createShare(t, s, q.ID, 1, rep.ID)
	after := time.Now().UTC()
	if !shareToken.MatchString(first.Token) {
		t.Errorf("token %q: want 52 base32 letters (256 random bits)", first.Token)
	}
	if first.CreatedAt.Location() != time.UTC || first.CreatedAt.Before(before) || first.CreatedAt.After(after) {
		t.Errorf("CreatedAt = %v, want UTC between %v and %v", first.CreatedAt, before, after)
	}
	requireEqual(t, "created", store.Share{Token: first.Token, QuoteID: q.ID, Version: 1,
		CreatedBy: rep.ID, CreatedAt: first.CreatedAt}, first)

	// Version 0 shares the latest as it is now; the link keeps showing it.
	latest := createShare(t, s, q.ID, 0, manager.ID)
	if latest.Version != 2 {
		t.Errorf("sharing the latest shared version %d, want 2", latest.Version)
	}
	saveQuote(t, s, q.ID, SampleQuoteVersion(rep.ID))
	otherShare := createShare(t, s, other.ID, 1, rep.ID)

	tokens := map[string]bool{}
	for _, sh := range []store.Share{first, latest, otherShare} {
		if tokens[sh.Token] {
			t.Errorf("token %s given twice", sh.Token)
		}
		tokens[sh.Token] = true
		got, err := s.ShareByToken(t.Context(), sh.Token)
		if err != nil {
			t.Errorf("ShareByToken(%s): %v", sh.Token, err)
			continue
		}
		requireEqual(t, "found", sh, got)
	}
	requireEqual(t, "shares of the quote", []store.Share{latest, first}, sharesOf(t, s, q.ID))
	requireEqual(t, "shares of the other quote", []store.Share{otherShare}, sharesOf(t, s, other.ID))

	before = time.Now().UTC().Truncate(time.Microsecond)
	if err := s.RevokeShare(t.Context(), first.Token, manager.ID); err != nil {
		t.Fatalf("RevokeShare: %v", err)
	}
	after = time.Now().UTC()
	if _, err := s.ShareByToken(t.Context(), first.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ShareByToken(revoked): err = %v, want ErrNotFound", err)
	}
	shares := sharesOf(t, s, q.ID)
	if len(shares) != 2 {
		t.Fatalf("SharesOf after revoking: %d shares, want 2, the revoked one too", len(shares))
	}
	revoked := shares[1]
	if revoked.RevokedAt.Location() != time.UTC || revoked.RevokedAt.Before(before) || revoked.RevokedAt.After(after) {
		t.Errorf("RevokedAt = %v, want UTC between %v and %v", revoked.RevokedAt, before, after)
	}
	wantRevoked := first
	wantRevoked.RevokedAt, wantRevoked.RevokedBy = revoked.RevokedAt, manager.ID
	requireEqual(t, "revoked", []store.Share{latest, wantRevoked}, shares)

	// Revoking again changes nothing and is not an error.
	if err := s.RevokeShare(t.Context(), first.Token, rep.ID); err != nil {
		t.Errorf("RevokeShare again: %v", err)
	}
	requireEqual(t, "revoked twice", []store.Share{latest, wantRevoked}, sharesOf(t, s, q.ID))
	for _, sh := range []store.Share{latest, otherShare} {
		if _, err := s.ShareByToken(t.Context(), sh.Token); err != nil {
			t.Errorf("revoking one link affected another: %v", err)
		}
	}
	if shares := sharesOf(t, s, q.ID); len(shares) != 2 {
		t.Errorf("SharesOf = %d shares, want 2", len(shares))
	}
	none, _ := saveQuote(t, s, "", SampleQuoteVersion(rep.ID))
	if shares, err := s.SharesOf(t.Context(), none.ID); err != nil || len(shares) != 0 {
		t.Errorf("SharesOf(a quote never shared) = %v, %v; want none", shares, err)
	}
}

func testSharesRefused(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	q, _ := saveQuote(t, s, "", SampleQuoteVersion(rep.ID))
	live := createShare(t, s, q.ID, 1, rep.ID)
	unknownUser := "usr_aaaaaaaaaaaaaaaaaaaaaaaaaa"
	hostile := []string{"", "qte_aaaaaaaaaaaaaaaaaaaaaaaaaa", strings.ToUpper(q.ID), "' OR 1=1 --", "%", "_"}

	for _, c := range []struct {
		quoteID string
		version int
	}{{q.ID, 2}, {q.ID, -1}, {"qte_aaaaaaaaaaaaaaaaaaaaaaaaaa", 0}, {"qte_aaaaaaaaaaaaaaaaaaaaaaaaaa", 1},
		{"", 0}, {"' OR 1=1 --", 0}, {"%", 1}} {
		if _, err := s.CreateShare(t.Context(), c.quoteID, c.version, rep.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CreateShare(%q, %d): err = %v, want ErrNotFound", c.quoteID, c.version, err)
		}
	}
	for _, by := range []string{"", "  ", unknownUser} {
		if _, err := s.CreateShare(t.Context(), q.ID, 1, by); !errors.Is(err, store.ErrInvalidQuote) {
			t.Errorf("CreateShare by %q: err = %v, want ErrInvalidQuote", by, err)
		}
		if err := s.RevokeShare(t.Context(), live.Token, by); !errors.Is(err, store.ErrInvalidQuote) {
			t.Errorf("RevokeShare by %q: err = %v, want ErrInvalidQuote", by, err)
		}
	}
	for _, token := range append(hostile, strings.ToUpper(live.Token), live.Token[:32], live.Token+"a", "' OR revoked_at IS NULL --") {
		if _, err := s.ShareByToken(t.Context(), token); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ShareByToken(%q): err = %v, want ErrNotFound", token, err)
		}
		if err := s.RevokeShare(t.Context(), token, rep.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RevokeShare(%q): err = %v, want ErrNotFound", token, err)
		}
	}
	for _, id := range hostile {
		if _, err := s.SharesOf(t.Context(), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SharesOf(%q): err = %v, want ErrNotFound", id, err)
		}
	}
	// Nothing refused touched the live link.
	got, err := s.ShareByToken(t.Context(), live.Token)
	if err != nil {
		t.Fatalf("live link after refusals: %v", err)
	}
	requireEqual(t, "live link after refusals", live, got)
	requireEqual(t, "shares after refusals", []store.Share{live}, sharesOf(t, s, q.ID))
}

func testOrderFromQuote(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	q, _ := saveQuote(t, s, "", SampleQuoteVersion(rep.ID))
	saveQuote(t, s, q.ID, SampleQuoteVersion(rep.ID))
	share := createShare(t, s, q.ID, 1, rep.ID)

	o := SampleOrder("session-a", "key-1")
	o.Rep, o.QuoteID, o.QuoteVersion = rep.ID, share.QuoteID, share.Version
	placed := place(t, s, o)
	if placed.QuoteID != q.ID || placed.QuoteVersion != 1 || placed.Rep != rep.ID {
		t.Errorf("placed: quote %q version %d rep %q; want %s version 1 rep %s",
			placed.QuoteID, placed.QuoteVersion, placed.Rep, q.ID, rep.ID)
	}
	requireSame(t, "read back", placed, get(t, s, placed.ID))
	again, created, err := s.PlaceOrder(t.Context(), o)
	if err != nil || created {
		t.Fatalf("PlaceOrder again: created %v, %v", created, err)
	}
	requireSame(t, "placed again", placed, again)
	byOwner, err := s.OrdersByOwner(t.Context(), "session-a", 0)
	if err != nil || len(byOwner) != 1 {
		t.Fatalf("OrdersByOwner = %d, %v", len(byOwner), err)
	}
	requireSame(t, "by owner", placed, byOwner[0])
	listed, _, err := s.ListOrders(t.Context(), store.OrderFilter{Rep: rep.ID})
	if err != nil || len(listed) != 1 {
		t.Fatalf("ListOrders = %d, %v", len(listed), err)
	}
	requireSame(t, "listed", placed, listed[0])
	confirmed := setStatus(t, s, placed.ID, store.StatusConfirmed, rep.ID, "PO received")
	if confirmed.QuoteID != q.ID || confirmed.QuoteVersion != 1 {
		t.Errorf("confirmed: quote %q version %d, want %s version 1", confirmed.QuoteID, confirmed.QuoteVersion, q.ID)
	}

	// The latest version, too, and an order placed otherwise has no link.
	latest := SampleOrder("session-a", "key-2")
	latest.QuoteID, latest.QuoteVersion = q.ID, 2
	if got := get(t, s, place(t, s, latest).ID); got.QuoteID != q.ID || got.QuoteVersion != 2 || got.Rep != "" {
		t.Errorf("order from version 2: quote %q version %d rep %q", got.QuoteID, got.QuoteVersion, got.Rep)
	}
	own := get(t, s, place(t, s, SampleOrder("session-a", "key-3")).ID)
	if own.QuoteID != "" || own.QuoteVersion != 0 {
		t.Errorf("a customer's own order links to quote %q version %d, want none", own.QuoteID, own.QuoteVersion)
	}

	for name, link := range map[string]struct {
		id      string
		version int
	}{
		"unknown quote":         {"qte_aaaaaaaaaaaaaaaaaaaaaaaaaa", 1},
		"unknown version":       {q.ID, 3},
		"negative version":      {q.ID, -1},
		"quote without version": {q.ID, 0},
		"version without quote": {"", 1},
	} {
		bad := SampleOrder("session-a", "bad-"+name)
		bad.QuoteID, bad.QuoteVersion = link.id, link.version
		if _, _, err := s.PlaceOrder(t.Context(), bad); !errors.Is(err, store.ErrInvalidOrder) {
			t.Errorf("%s: err = %v, want ErrInvalidOrder", name, err)
		}
	}
	if _, total := listOrders(t, s, store.OrderFilter{}); total != 3 {
		t.Errorf("%d orders stored, want 3", total)
	}
}
