package storetest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"kmsconsole/store"
)

// NewDatabase gives a test a fresh, empty database, as store.Open takes it: a data
// directory for SQLite, or a PostgreSQL URL.
type NewDatabase func(t *testing.T) (dataDir, databaseURL string)

// Run checks the store contract against fresh databases from newDatabase.
func Run(t *testing.T, newDatabase NewDatabase) {
	tests := []struct {
		name string
		fn   func(t *testing.T, db database)
	}{
		{"EveryFieldSurvivesTheRoundTrip", testRoundTrip},
		{"MoneyKeepsExactCents", testExactCents},
		{"MoneyIsNeverRoundedByTheDatabase", testMoneyNeverRounded},
		{"AnOrderNeedsAnIdempotencyKeyAndAnOwner", testOrderNeedsKeyAndOwner},
		{"OrderIDsAreRandomAndUnguessable", testOrderIDs},
		{"SameIdempotencyKeyPlacesOneOrder", testIdempotent},
		{"ConcurrentIdenticalRequestsPlaceExactlyOneOrder", testIdempotentConcurrent},
		{"IdempotencyKeyOfAnotherOwnerIsRefused", testIdempotencyConflict},
		{"OrdersByOwnerSeesOnlyTheOwnersOrdersNewestFirst", testOrdersByOwner},
		{"PlacedOrderIDFindsTheOwnersOrderByItsKey", testPlacedOrderID},
		{"ANewViewKeyReplacesTheOwnersOnly", testNewViewKey},
		{"UnknownOrderIsNotFound", testNotFound},
		{"OpeningAgainAppliesNoMigrationTwice", testReopenMigrations},
		{"ConcurrentOpensMigrateOnce", testConcurrentOpens},
		{"DataSurvivesCloseAndReopen", testReopenKeepsData},
		{"SessionsLiveInTheSameDatabase", testSessions},
		{"ExpiredSessionIsNotFound", testSessionExpiry},
		{"SessionManagerKeepsDataAcrossRequests", testSessionManager},
		{"PingAnswers", testPing},
		{"UserSurvivesTheRoundTrip", testUserRoundTrip},
		{"EmailIsUniqueInAnyCase", testEmailUniqueInAnyCase},
		{"AUserNeedsAnEmailAndAPasswordHash", testUserNeedsEmailAndHash},
		{"DisabledFlagSurvivesTheRoundTrip", testUserDisabledRoundTrip},
		{"ListUsersIsOrderedByEmail", testListUsersByEmail},
		{"RepSurvivesTheRoundTripAndMustBeAUser", testRepSurvivesTheRoundTrip},
		{"ListOrdersFiltersAloneAndCombined", testListOrdersFilters},
		{"ListOrdersPagesWithATotal", testListOrdersPaging},
		{"OnlySubmittedOrdersAreConfirmedOrCancelled", testStatusTransitions},
		{"AuditRecordsPlacementAndChangesOldestFirst", testOrderAudit},
		{"ConcurrentStatusChangesExactlyOneWins", testConcurrentTransitions},
		{"SavedQuoteSurvivesTheRoundTripExactly", testQuoteRoundTrip},
		{"SavingAgainAddsTheNextVersionAndKeepsTheOld", testQuoteVersions},
		{"AQuoteNeedsANameAndAUser", testQuoteNeedsNameAndUser},
		{"ConcurrentSavesGetDistinctConsecutiveVersions", testConcurrentQuoteSaves},
		{"SaveAfterAnotherVersionIsRefused", testSaveAfterAnotherVersion},
		{"ANewQuoteIsCreatedOnceFromItsID", testNewQuoteFromItsID},
		{"ListQuotesSearchesNameAndCustomerLiterally", testListQuotesSearch},
		{"ListQuotesPagesWithATotal", testListQuotesPaging},
		{"ShareLinkShowsItsVersionUntilRevoked", testShares},
		{"ShareLinksNeedAKnownQuoteVersionAndUser", testSharesRefused},
		{"OrderFromASharedQuoteLinksBackToIt", testOrderFromQuote},
		{"ThrottleCountsFailuresPerKey", testThrottleCountsFailuresPerKey},
		{"ThrottleClearForgetsOneKey", testThrottleClearForgetsOneKey},
		{"ThrottleNeverShortensAWait", testThrottleNeverShortensAWait},
		{"ThrottleForgetsQuietRecords", testThrottleForgetsQuietRecords},
		{"ThrottleConcurrentFailuresOnTwoInstancesCountExactly", testThrottleConcurrentFailuresCountExactly},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, url := newDatabase(t)
			tc.fn(t, database{dir: dir, url: url})
		})
	}
}

type database struct{ dir, url string }

// open opens the store and closes it when the test ends.
func (db database) open(t *testing.T) store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), db.dir, db.url, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func place(t *testing.T, s store.Store, o store.Order) store.Order {
	t.Helper()
	placed, created, err := s.PlaceOrder(t.Context(), o)
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	if !created {
		t.Fatalf("PlaceOrder: created = false for a new idempotency key")
	}
	return placed
}

func get(t *testing.T, s store.Store, id string) store.Order {
	t.Helper()
	o, err := s.Order(t.Context(), id)
	if err != nil {
		t.Fatalf("Order(%q): %v", id, err)
	}
	return o
}

func requireSame(t *testing.T, what string, want, got store.Order) {
	t.Helper()
	for _, d := range Diff(want, got) {
		t.Errorf("%s%s", what, d)
	}
}

func testRoundTrip(t *testing.T, db database) {
	s := db.open(t)
	in := SampleOrder("session-a", "key-1")
	before := time.Now().UTC().Truncate(time.Microsecond)
	placed := place(t, s, in)
	after := time.Now().UTC()

	if placed.Status != store.StatusSubmitted {
		t.Errorf("Status = %q, want %q", placed.Status, store.StatusSubmitted)
	}
	if placed.CreatedAt.Location() != time.UTC || placed.CreatedAt.Before(before) || placed.CreatedAt.After(after) {
		t.Errorf("CreatedAt = %v, want UTC between %v and %v", placed.CreatedAt, before, after)
	}
	if !regexp.MustCompile(`^[a-z2-7]{52}$`).MatchString(placed.ViewKey) {
		t.Errorf("ViewKey = %q, want 256 random bits in 52 base32 letters", placed.ViewKey)
	}
	if other := place(t, s, SampleOrder("session-a", "key-another-view")); other.ViewKey == placed.ViewKey {
		t.Error("two orders share a view key")
	}
	want := in
	want.ID, want.CreatedAt, want.Status, want.ViewKey = placed.ID, placed.CreatedAt, placed.Status, placed.ViewKey
	want.TermsAcceptedAt = in.TermsAcceptedAt.Truncate(time.Microsecond)
	requireSame(t, "placed", want, placed)

	got := get(t, s, placed.ID)
	requireSame(t, "read back", want, got)
	if got.CreatedAt.Location() != time.UTC || got.TermsAcceptedAt.Location() != time.UTC {
		t.Errorf("times read back in %v and %v, want UTC", got.CreatedAt.Location(), got.TermsAcceptedAt.Location())
	}
	if !got.CreatedAt.Equal(placed.CreatedAt) || !got.TermsAcceptedAt.Equal(placed.TermsAcceptedAt) {
		t.Errorf("times read back %v, %v; PlaceOrder said %v, %v",
			got.CreatedAt, got.TermsAcceptedAt, placed.CreatedAt, placed.TermsAcceptedAt)
	}
	// Amounts in the snapshot keep their cents.
	if a := got.Quote.Items[1].Lines[1].Amount.StringFixed(2); a != "0.30" {
		t.Errorf("snapshot line amount = %s, want 0.30", a)
	}

	empty := SampleOrder("session-a", "key-2")
	empty.Products, empty.Regions = nil, []string{}
	o := get(t, s, place(t, s, empty).ID)
	if o.Products != nil || o.Regions != nil {
		t.Errorf("empty lists read back as %#v, %#v; want nil", o.Products, o.Regions)
	}
}

func testExactCents(t *testing.T, db database) {
	s := db.open(t)
	for i, amount := range []string{"22380.00", "0.30", "0.00", "0.01", "1868.34",
		"12345678901234.56", "9999999999999999.99", "7", "19.9", "-5.25"} {
		o := SampleOrder("session-a", fmt.Sprintf("key-%d", i))
		o.MonthlyTotal = decimal.RequireFromString(amount)
		o.UpfrontTotal = decimal.RequireFromString(amount).Sub(decimal.RequireFromString("0.01"))
		got := get(t, s, place(t, s, o).ID)
		if !got.MonthlyTotal.Equal(o.MonthlyTotal) || !got.UpfrontTotal.Equal(o.UpfrontTotal) {
			t.Errorf("amounts %s, %s read back as %s, %s", o.MonthlyTotal, o.UpfrontTotal, got.MonthlyTotal, got.UpfrontTotal)
		}
	}
}

func testMoneyNeverRounded(t *testing.T, db database) {
	s := db.open(t)
	for _, amount := range []string{"0.001", "22380.005", "10000000000000000.00", "-10000000000000000"} {
		o := SampleOrder("session-a", "key-"+amount)
		o.UpfrontTotal = decimal.RequireFromString(amount)
		if _, _, err := s.PlaceOrder(t.Context(), o); !errors.Is(err, store.ErrInvalidOrder) {
			t.Errorf("upfront %s: err = %v, want ErrInvalidOrder", amount, err)
		}
	}
	orders, err := s.OrdersByOwner(t.Context(), "session-a", 0)
	if err != nil || len(orders) != 0 {
		t.Errorf("OrdersByOwner = %d orders, %v; want none stored", len(orders), err)
	}
}

func testOrderNeedsKeyAndOwner(t *testing.T, db database) {
	s := db.open(t)
	for name, o := range map[string]store.Order{
		"no key":   SampleOrder("session-a", ""),
		"blank":    SampleOrder("session-a", "  "),
		"no owner": SampleOrder("", "key-1"),
	} {
		if _, _, err := s.PlaceOrder(t.Context(), o); !errors.Is(err, store.ErrInvalidOrder) {
			t.Errorf("%s: err = %v, want ErrInvalidOrder", name, err)
		}
	}
}

var orderID = regexp.MustCompile(`^ord_[a-z2-7]{26}$`)

func testOrderIDs(t *testing.T, db database) {
	s := db.open(t)
	seen := map[string]bool{}
	for i := range 20 {
		o := SampleOrder("session-a", fmt.Sprintf("key-%d", i))
		o.ID = "ord_chosen_by_the_caller"
		id := place(t, s, o).ID
		if !orderID.MatchString(id) {
			t.Errorf("ID %q: want ord_ and 26 base32 letters (128 bits)", id)
		}
		if seen[id] {
			t.Errorf("ID %q given twice", id)
		}
		seen[id] = true
	}
}

func testIdempotent(t *testing.T, db database) {
	s := db.open(t)
	first := place(t, s, SampleOrder("session-a", "key-1"))

	again := SampleOrder("session-a", "key-1")
	again.Buyer.ContactName = "A Second Click"
	second, created, err := s.PlaceOrder(t.Context(), again)
	if err != nil {
		t.Fatalf("PlaceOrder again: %v", err)
	}
	if created {
		t.Errorf("created = true for a used idempotency key")
	}
	requireSame(t, "second PlaceOrder", first, second)

	orders, err := s.OrdersByOwner(t.Context(), "session-a", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 1 {
		t.Errorf("%d orders stored, want 1", len(orders))
	}
}

func testIdempotentConcurrent(t *testing.T, db database) {
	s := db.open(t)
	const n = 20
	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		ids     [n]string
		created [n]bool
		errs    [n]error
	)
	for i := range n {
		wg.Go(func() {
			<-start
			var o store.Order
			o, created[i], errs[i] = s.PlaceOrder(t.Context(), SampleOrder("session-a", "double-click"))
			ids[i] = o.ID
		})
	}
	close(start)
	wg.Wait()

	count := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
		if created[i] {
			count++
		}
		if ids[i] != ids[0] {
			t.Errorf("request %d got order %s, request 0 got %s", i, ids[i], ids[0])
		}
	}
	if count != 1 {
		t.Errorf("%d requests created an order, want exactly 1", count)
	}
	orders, err := s.OrdersByOwner(t.Context(), "session-a", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 1 {
		t.Errorf("%d orders stored, want 1", len(orders))
	}
}

func testIdempotencyConflict(t *testing.T, db database) {
	s := db.open(t)
	place(t, s, SampleOrder("session-a", "key-1"))
	_, _, err := s.PlaceOrder(t.Context(), SampleOrder("session-b", "key-1"))
	if !errors.Is(err, store.ErrIdempotencyConflict) {
		t.Errorf("err = %v, want ErrIdempotencyConflict", err)
	}
	if orders, _ := s.OrdersByOwner(t.Context(), "session-b", 0); len(orders) != 0 {
		t.Errorf("session-b sees %d orders, want none", len(orders))
	}
}

func testOrdersByOwner(t *testing.T, db database) {
	s := db.open(t)
	var mine []string
	for i := range 4 {
		mine = append(mine, place(t, s, SampleOrder("session-a", fmt.Sprintf("a-%d", i))).ID)
		place(t, s, SampleOrder("session-b", fmt.Sprintf("b-%d", i)))
	}
	slices.Reverse(mine) // newest first

	ids := func(orders []store.Order) []string {
		var out []string
		for _, o := range orders {
			out = append(out, o.ID)
		}
		return out
	}
	for _, tc := range []struct {
		limit int
		want  []string
	}{{0, mine}, {10, mine}, {2, mine[:2]}, {-1, mine}} {
		got, err := s.OrdersByOwner(t.Context(), "session-a", tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("limit %d: %v, want %v", tc.limit, ids(got), tc.want)
		}
		for _, o := range got {
			if o.Owner != "session-a" {
				t.Errorf("order %s of %q listed for session-a", o.ID, o.Owner)
			}
		}
	}
	for i := 1; i < len(mine); i++ {
		got, _ := s.OrdersByOwner(t.Context(), "session-a", 0)
		if got[i].CreatedAt.After(got[i-1].CreatedAt) {
			t.Errorf("order %d created %v after order %d %v", i, got[i].CreatedAt, i-1, got[i-1].CreatedAt)
		}
	}
	none, err := s.OrdersByOwner(t.Context(), "session-nobody", 0)
	if err != nil || len(none) != 0 {
		t.Errorf("unknown owner: %d orders, %v; want none", len(none), err)
	}
}

func testNotFound(t *testing.T, db database) {
	s := db.open(t)
	place(t, s, SampleOrder("session-a", "key-1"))
	for _, id := range []string{"ord_aaaaaaaaaaaaaaaaaaaaaaaaaa", "", "' OR 1=1 --"} {
		if _, err := s.Order(t.Context(), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Order(%q): err = %v, want ErrNotFound", id, err)
		}
	}
}

func testReopenMigrations(t *testing.T, db database) {
	first := db.open(t)
	o := place(t, first, SampleOrder("session-a", "key-1"))
	second := db.open(t) // while the first is still open
	requireSame(t, "through a second store", o, get(t, second, o.ID))
	place(t, second, SampleOrder("session-a", "key-2"))
	third := db.open(t)
	if orders, err := third.OrdersByOwner(t.Context(), "session-a", 0); err != nil || len(orders) != 2 {
		t.Errorf("third store: %d orders, %v; want 2", len(orders), err)
	}
}

func testConcurrentOpens(t *testing.T, db database) {
	const n = 4
	stores := make([]store.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = store.Open(t.Context(), db.dir, db.url, nil)
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("Open %d: %v", i, errs[i])
			continue
		}
		defer stores[i].Close()
	}
	if t.Failed() {
		return
	}
	for i, s := range stores {
		place(t, s, SampleOrder("session-a", fmt.Sprintf("key-%d", i)))
	}
	if orders, err := stores[0].OrdersByOwner(t.Context(), "session-a", 0); err != nil || len(orders) != n {
		t.Errorf("%d orders, %v; want %d", len(orders), err, n)
	}
}

func testReopenKeepsData(t *testing.T, db database) {
	s, err := store.Open(t.Context(), db.dir, db.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := place(t, s, SampleOrder("session-a", "key-1"))
	if err := s.SessionStore().Commit("token-1", []byte("cart"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	s = db.open(t)
	requireSame(t, "after reopening", o, get(t, s, o.ID))
	if _, _, err := s.PlaceOrder(t.Context(), SampleOrder("session-a", "key-1")); err != nil {
		t.Errorf("PlaceOrder with the old key after reopening: %v", err)
	}
	if b, found, err := s.SessionStore().Find("token-1"); err != nil || !found || string(b) != "cart" {
		t.Errorf("session after reopening: %q, %v, %v", b, found, err)
	}
}

func testSessions(t *testing.T, db database) {
	sessions := db.open(t).SessionStore()
	if _, found, err := sessions.Find("nobody"); err != nil || found {
		t.Errorf("Find(unknown) = %v, %v; want not found", found, err)
	}
	exp := time.Now().Add(time.Hour)
	if err := sessions.Commit("token-1", []byte("first"), exp); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if err := sessions.Commit("token-1", []byte{0, 1, 2, 0xff}, exp); err != nil {
		t.Fatalf("Commit again: %v", err)
	}
	if b, found, err := sessions.Find("token-1"); err != nil || !found || string(b) != "\x00\x01\x02\xff" {
		t.Errorf("Find = %q, %v, %v; want the second commit's bytes", b, found, err)
	}
	if err := sessions.Delete("token-1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, found, err := sessions.Find("token-1"); err != nil || found {
		t.Errorf("Find after Delete = %v, %v; want not found", found, err)
	}
	if err := sessions.Delete("token-1"); err != nil {
		t.Errorf("Delete of a deleted session: %v", err)
	}
}

func testSessionExpiry(t *testing.T, db database) {
	sessions := db.open(t).SessionStore()
	if err := sessions.Commit("expired", []byte("x"), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, found, err := sessions.Find("expired"); err != nil || found {
		t.Errorf("Find(expired a second ago) = %v, %v; want not found", found, err)
	}
	// In another time zone, to catch a store that compares local wall clocks.
	soon := time.Now().Add(1500 * time.Millisecond).In(time.FixedZone("UTC-10", -10*3600))
	if err := sessions.Commit("soon", []byte("y"), soon); err != nil {
		t.Fatal(err)
	}
	if _, found, err := sessions.Find("soon"); err != nil || !found {
		t.Fatalf("Find(expires in 1.5s) = %v, %v; want found", found, err)
	}
	time.Sleep(time.Until(soon) + 200*time.Millisecond)
	if _, found, err := sessions.Find("soon"); err != nil || found {
		t.Errorf("Find(after expiry) = %v, %v; want not found", found, err)
	}
}

func testPing(t *testing.T, db database) {
	s, err := store.Open(t.Context(), db.dir, db.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
	s.Close()
	if err := s.Ping(context.Background()); err == nil {
		t.Errorf("Ping after Close: nil error")
	}
}

func testNewViewKey(t *testing.T, db database) {
	s := db.open(t)
	placed := place(t, s, SampleOrder("session-a", "key-view"))
	key, err := s.NewViewKey(t.Context(), placed.ID, "session-a")
	if err != nil || !regexp.MustCompile(`^[a-z2-7]{52}$`).MatchString(key) || key == placed.ViewKey {
		t.Fatalf("NewViewKey = %q, %v; want a new key of 256 random bits", key, err)
	}
	if got := get(t, s, placed.ID); got.ViewKey != key {
		t.Errorf("the order's key is %q, want the new %q", got.ViewKey, key)
	}
	for _, tc := range []struct{ id, owner string }{{placed.ID, "session-b"}, {placed.ID, ""}, {"ord_nosuchorder", "session-a"}} {
		if _, err := s.NewViewKey(t.Context(), tc.id, tc.owner); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("NewViewKey(%q, %q) = %v, want ErrNotFound", tc.id, tc.owner, err)
		}
	}
	if got := get(t, s, placed.ID); got.ViewKey != key {
		t.Error("a refused NewViewKey changed the key")
	}
}

func testPlacedOrderID(t *testing.T, db database) {
	s := db.open(t)
	placed := place(t, s, SampleOrder("session-a", "key-1"))
	for _, tc := range []struct{ owner, key, want string }{
		{"session-a", "key-1", placed.ID},
		{"session-b", "key-1", ""}, // another owner's key says nothing
		{"session-a", "key-2", ""},
	} {
		got, err := s.PlacedOrderID(t.Context(), tc.owner, tc.key)
		if err != nil || got != tc.want {
			t.Errorf("PlacedOrderID(%q, %q) = %q, %v; want %q", tc.owner, tc.key, got, err, tc.want)
		}
	}
}
