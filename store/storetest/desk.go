package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kmsconsole/store"
)

func orderIDs(orders []store.Order) []string {
	out := []string{}
	for _, o := range orders {
		out = append(out, o.ID)
	}
	return out
}

func listOrders(t *testing.T, s store.Store, f store.OrderFilter) ([]string, int) {
	t.Helper()
	orders, total, err := s.ListOrders(t.Context(), f)
	if err != nil {
		t.Fatalf("ListOrders(%+v): %v", f, err)
	}
	return orderIDs(orders), total
}

func setStatus(t *testing.T, s store.Store, id, to, actor, reason string) store.Order {
	t.Helper()
	o, err := s.SetOrderStatus(t.Context(), id, to, actor, reason)
	if err != nil {
		t.Fatalf("SetOrderStatus(%s → %s): %v", id, to, err)
	}
	return o
}

// placeApart places o after the previous order's CreatedAt has passed, so that
// date-range boundaries fall between orders.
func placeApart(t *testing.T, s store.Store, o store.Order) store.Order {
	t.Helper()
	time.Sleep(time.Millisecond)
	return place(t, s, o)
}

func testRepSurvivesTheRoundTrip(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	o := SampleOrder("session-a", "key-1")
	o.Rep = rep.ID
	placed := place(t, s, o)
	if placed.Rep != rep.ID {
		t.Errorf("placed Rep = %q, want %q", placed.Rep, rep.ID)
	}
	if got := get(t, s, placed.ID); got.Rep != rep.ID {
		t.Errorf("read back Rep = %q, want %q", got.Rep, rep.ID)
	}
	again, created, err := s.PlaceOrder(t.Context(), o)
	if err != nil || created || again.Rep != rep.ID {
		t.Errorf("PlaceOrder again: Rep %q, created %v, %v; want the first order's rep", again.Rep, created, err)
	}
	own := get(t, s, place(t, s, SampleOrder("session-a", "key-2")).ID)
	if own.Rep != "" {
		t.Errorf("a customer's own order has Rep %q, want empty", own.Rep)
	}
	byOwner, err := s.OrdersByOwner(t.Context(), "session-a", 0)
	if err != nil || len(byOwner) != 2 || byOwner[0].Rep != "" || byOwner[1].Rep != rep.ID {
		t.Errorf("OrdersByOwner = %v, %v; want Rep empty then %s", byOwner, err, rep.ID)
	}
	if ids, _ := listOrders(t, s, store.OrderFilter{Rep: rep.ID}); !slices.Equal(ids, []string{placed.ID}) {
		t.Errorf("ListOrders by rep = %v, want %v", ids, []string{placed.ID})
	}

	unknown := SampleOrder("session-a", "key-3")
	unknown.Rep = "usr_aaaaaaaaaaaaaaaaaaaaaaaaaa"
	if _, _, err := s.PlaceOrder(t.Context(), unknown); !errors.Is(err, store.ErrInvalidOrder) {
		t.Errorf("PlaceOrder with an unknown rep: err = %v, want ErrInvalidOrder", err)
	}
	if _, total := listOrders(t, s, store.OrderFilter{}); total != 2 {
		t.Errorf("%d orders stored, want 2", total)
	}
}

// desk places five orders (o[0] oldest) for the filter tests: two reps, two
// products, two regions, two statuses changed.
type desk struct {
	o          [5]store.Order
	rep1, rep2 store.User
}

func newDesk(t *testing.T, s store.Store) desk {
	var d desk
	d.rep1 = addUser(t, s, "rep1@example.com")
	d.rep2 = addUser(t, s, "rep2@example.com")
	for i, spec := range []struct {
		products, regions []string
		account, email    string
		rep               string
	}{
		{[]string{"kms"}, []string{"ap-guangzhou"}, "100000000001", "alice@example.com", ""},
		{[]string{"ssm"}, []string{"eu-frankfurt"}, "100000000002", "Bob.Smith@Example.com", d.rep1.ID},
		{[]string{"ssm", "kms"}, []string{"ap-guangzhou", "eu-frankfurt"}, "100000000001", "carol@example.com", d.rep1.ID},
		{[]string{"kms"}, []string{"eu-frankfurt"}, "100000000003", "dave@example.com", d.rep2.ID},
		{[]string{"ssm"}, []string{"ap-guangzhou"}, "100000000004", "alice@example.com", ""},
	} {
		o := SampleOrder(fmt.Sprintf("session-%d", i), fmt.Sprintf("key-%d", i))
		o.Products, o.Regions, o.Rep = spec.products, spec.regions, spec.rep
		o.Buyer.AccountID, o.Buyer.ContactEmail = spec.account, spec.email
		d.o[i] = placeApart(t, s, o)
	}
	d.o[1] = setStatus(t, s, d.o[1].ID, store.StatusConfirmed, d.rep1.ID, "PO received")
	d.o[3] = setStatus(t, s, d.o[3].ID, store.StatusCancelled, d.rep2.ID, "duplicate")
	return d
}

func (d desk) ids(idx ...int) []string {
	out := []string{}
	for _, i := range idx {
		out = append(out, d.o[i].ID)
	}
	return out
}

func testListOrdersFilters(t *testing.T, db database) {
	s := db.open(t)
	d := newDesk(t, s)
	at := func(i int) time.Time { return d.o[i].CreatedAt }
	hostile := []string{"'; DROP TABLE orders;--", "%", "_", "%@example.com", "alice@example.co_", "' OR '1'='1", `\`, "*"}

	type tc struct {
		name string
		f    store.OrderFilter
		want []string
	}
	cases := []tc{
		{"no filter: all, newest first", store.OrderFilter{}, d.ids(4, 3, 2, 1, 0)},
		{"status submitted", store.OrderFilter{Status: store.StatusSubmitted}, d.ids(4, 2, 0)},
		{"status confirmed", store.OrderFilter{Status: store.StatusConfirmed}, d.ids(1)},
		{"status cancelled", store.OrderFilter{Status: store.StatusCancelled}, d.ids(3)},
		{"unknown status", store.OrderFilter{Status: "shipped"}, nil},
		{"product kms", store.OrderFilter{Product: "kms"}, d.ids(3, 2, 0)},
		{"product ssm", store.OrderFilter{Product: "ssm"}, d.ids(4, 2, 1)},
		{"product is never a prefix", store.OrderFilter{Product: "km"}, nil},
		{"region eu-frankfurt", store.OrderFilter{Region: "eu-frankfurt"}, d.ids(3, 2, 1)},
		{"region ap-guangzhou", store.OrderFilter{Region: "ap-guangzhou"}, d.ids(4, 2, 0)},
		{"rep 1", store.OrderFilter{Rep: d.rep1.ID}, d.ids(2, 1)},
		{"rep 2", store.OrderFilter{Rep: d.rep2.ID}, d.ids(3)},
		{"from is inclusive", store.OrderFilter{From: at(2)}, d.ids(4, 3, 2)},
		{"to is exclusive", store.OrderFilter{To: at(2)}, d.ids(1, 0)},
		{"from and to", store.OrderFilter{From: at(1), To: at(3)}, d.ids(2, 1)},
		{"from a nanosecond later", store.OrderFilter{From: at(2).Add(time.Nanosecond)}, d.ids(4, 3)},
		{"to a nanosecond later", store.OrderFilter{To: at(2).Add(time.Nanosecond)}, d.ids(2, 1, 0)},
		{"from equals to", store.OrderFilter{From: at(2), To: at(2)}, nil},
		{"from after to", store.OrderFilter{From: at(3), To: at(1)}, nil},
		{"from in another time zone", store.OrderFilter{From: at(2).In(time.FixedZone("CST", 8*3600))}, d.ids(4, 3, 2)},
		{"to in another time zone", store.OrderFilter{To: at(2).In(time.FixedZone("PDT", -7*3600))}, d.ids(1, 0)},
		{"search order ID", store.OrderFilter{Search: d.o[2].ID}, d.ids(2)},
		{"search order ID, trimmed", store.OrderFilter{Search: " " + d.o[2].ID + "\n"}, d.ids(2)},
		{"search order ID is exact", store.OrderFilter{Search: strings.ToUpper(d.o[2].ID)}, nil},
		{"search order ID prefix", store.OrderFilter{Search: d.o[2].ID[:10]}, nil},
		{"search account", store.OrderFilter{Search: "100000000001"}, d.ids(2, 0)},
		{"search account is exact", store.OrderFilter{Search: "10000000000"}, nil},
		{"search email", store.OrderFilter{Search: "alice@example.com"}, d.ids(4, 0)},
		{"search email in another case", store.OrderFilter{Search: "ALICE@Example.COM"}, d.ids(4, 0)},
		{"search email stored in mixed case", store.OrderFilter{Search: "bob.smith@example.com"}, d.ids(1)},
		{"search email is exact", store.OrderFilter{Search: "alice@"}, nil},
		{"submitted kms", store.OrderFilter{Status: store.StatusSubmitted, Product: "kms"}, d.ids(2, 0)},
		{"submitted in Guangzhou for alice", store.OrderFilter{Status: store.StatusSubmitted,
			Region: "ap-guangzhou", Search: "Alice@example.com"}, d.ids(4, 0)},
		{"ssm by rep 1 since o[2]", store.OrderFilter{Product: "ssm", Rep: d.rep1.ID, From: at(2)}, d.ids(2)},
		{"cancelled kms in Frankfurt", store.OrderFilter{Status: store.StatusCancelled, Product: "kms",
			Region: "eu-frankfurt"}, d.ids(3)},
		{"everything at once", store.OrderFilter{Status: store.StatusSubmitted, Product: "kms", Region: "eu-frankfurt",
			Rep: d.rep1.ID, From: at(1), To: at(4), Search: "100000000001"}, d.ids(2)},
		{"filters that exclude each other", store.OrderFilter{Status: store.StatusConfirmed, Rep: d.rep2.ID}, nil},
	}
	for _, h := range hostile {
		cases = append(cases,
			tc{"hostile search " + h, store.OrderFilter{Search: h}, nil},
			tc{"hostile filters " + h, store.OrderFilter{Status: h, Product: h, Region: h, Rep: h}, nil},
			tc{"hostile product " + h, store.OrderFilter{Product: h}, nil})
	}
	for _, c := range cases {
		want := c.want
		if want == nil {
			want = []string{}
		}
		got, total := listOrders(t, s, c.f)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", c.name, got, want)
		}
		if total != len(want) {
			t.Errorf("%s: total %d, want %d", c.name, total, len(want))
		}
	}

	// Nothing hostile was executed: every order and rep is still there.
	if _, total := listOrders(t, s, store.OrderFilter{}); total != 5 {
		t.Errorf("after the hostile searches: %d orders, want 5", total)
	}
	if users, err := s.ListUsers(t.Context()); err != nil || len(users) != 2 {
		t.Errorf("after the hostile searches: ListUsers = %d, %v; want 2", len(users), err)
	}
	// Listed orders are whole orders.
	orders, _, err := s.ListOrders(t.Context(), store.OrderFilter{Search: d.o[1].ID})
	if err != nil || len(orders) != 1 {
		t.Fatalf("ListOrders: %v, %v", orders, err)
	}
	requireSame(t, "listed", d.o[1], orders[0])
}

func testListOrdersPaging(t *testing.T, db database) {
	s := db.open(t)
	const n = store.MaxDeskOrdersPerPage + 5
	var all []string // newest first
	for i := range n {
		o := SampleOrder("session-a", fmt.Sprintf("key-%d", i))
		o.Products = []string{"ssm"}
		if i%3 == 0 {
			o.Products = []string{"kms"}
		}
		all = append(all, place(t, s, o).ID)
	}
	slices.Reverse(all)
	var kms []string
	for i, id := range all {
		if (n-1-i)%3 == 0 {
			kms = append(kms, id)
		}
	}

	for _, c := range []struct {
		name string
		f    store.OrderFilter
		want []string
	}{
		{"first page", store.OrderFilter{Limit: 10}, all[:10]},
		{"second page", store.OrderFilter{Offset: 10, Limit: 10}, all[10:20]},
		{"last, short page", store.OrderFilter{Offset: n - 3, Limit: 10}, all[n-3:]},
		{"past the end", store.OrderFilter{Offset: n, Limit: 10}, nil},
		{"far past the end", store.OrderFilter{Offset: 1 << 30, Limit: 10}, nil},
		{"negative offset is 0", store.OrderFilter{Offset: -5, Limit: 3}, all[:3]},
		{"no limit is the maximum", store.OrderFilter{}, all[:store.MaxDeskOrdersPerPage]},
		{"negative limit is the maximum", store.OrderFilter{Limit: -1}, all[:store.MaxDeskOrdersPerPage]},
		{"limit above the maximum is the maximum", store.OrderFilter{Limit: 10 * n}, all[:store.MaxDeskOrdersPerPage]},
		{"filtered page", store.OrderFilter{Product: "kms", Offset: 2, Limit: 5}, kms[2:7]},
	} {
		want := c.want
		if want == nil {
			want = []string{}
		}
		got, total := listOrders(t, s, c.f)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", c.name, got, want)
		}
		wantTotal := n
		if c.f.Product != "" {
			wantTotal = len(kms)
		}
		if total != wantTotal {
			t.Errorf("%s: total %d, want %d (ignoring offset and limit)", c.name, total, wantTotal)
		}
	}

	// Walking the pages sees every order once, in order.
	var walked []string
	for offset := 0; ; offset += 7 {
		page, _ := listOrders(t, s, store.OrderFilter{Offset: offset, Limit: 7})
		if len(page) == 0 {
			break
		}
		walked = append(walked, page...)
	}
	if !slices.Equal(walked, all) {
		t.Errorf("walking pages of 7 saw %d orders, want all %d newest first", len(walked), len(all))
	}
}

func testStatusTransitions(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	confirmed := place(t, s, SampleOrder("session-a", "key-1"))
	cancelled := place(t, s, SampleOrder("session-a", "key-2"))
	untouched := place(t, s, SampleOrder("session-a", "key-3"))

	got := setStatus(t, s, confirmed.ID, store.StatusConfirmed, rep.ID, "PO received")
	want := confirmed
	want.Status = store.StatusConfirmed
	requireSame(t, "confirmed", want, got)
	requireSame(t, "confirmed, read back", want, get(t, s, confirmed.ID))

	got = setStatus(t, s, cancelled.ID, store.StatusCancelled, rep.ID, "customer withdrew")
	want = cancelled
	want.Status = store.StatusCancelled
	requireSame(t, "cancelled", want, got)
	requireSame(t, "cancelled, read back", want, get(t, s, cancelled.ID))

	for _, c := range []struct {
		id, to string
	}{
		{confirmed.ID, store.StatusCancelled},
		{confirmed.ID, store.StatusConfirmed},
		{confirmed.ID, store.StatusSubmitted},
		{cancelled.ID, store.StatusConfirmed},
		{cancelled.ID, store.StatusCancelled},
		{cancelled.ID, store.StatusSubmitted},
		{untouched.ID, store.StatusSubmitted},
		{untouched.ID, "shipped"},
		{untouched.ID, ""},
		{untouched.ID, "CONFIRMED"},
		{untouched.ID, "confirmed' OR '1'='1"},
	} {
		_, err := s.SetOrderStatus(t.Context(), c.id, c.to, rep.ID, "try")
		if !errors.Is(err, store.ErrBadTransition) {
			t.Errorf("%s → %q: err = %v, want ErrBadTransition", get(t, s, c.id).Status, c.to, err)
		}
	}
	if _, err := s.SetOrderStatus(t.Context(), confirmed.ID, store.StatusCancelled, rep.ID, "try"); err == nil ||
		!strings.Contains(err.Error(), store.StatusConfirmed) {
		t.Errorf("bad transition error %v: want it to say the order is confirmed", err)
	}

	for _, to := range []string{store.StatusConfirmed, "shipped"} {
		for _, id := range []string{"ord_aaaaaaaaaaaaaaaaaaaaaaaaaa", "", "' OR 1=1 --"} {
			if _, err := s.SetOrderStatus(t.Context(), id, to, rep.ID, "try"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("SetOrderStatus(%q, %q): err = %v, want ErrNotFound", id, to, err)
			}
		}
	}

	for _, c := range []struct{ actor, reason string }{{"", "why"}, {"  ", "why"}, {rep.ID, ""}, {rep.ID, " \t"}} {
		_, err := s.SetOrderStatus(t.Context(), untouched.ID, store.StatusConfirmed, c.actor, c.reason)
		if !errors.Is(err, store.ErrInvalidOrder) {
			t.Errorf("actor %q, reason %q: err = %v, want ErrInvalidOrder", c.actor, c.reason, err)
		}
	}
	requireSame(t, "after refused changes", untouched, get(t, s, untouched.ID))
	if audit, err := s.OrderAudit(t.Context(), untouched.ID); err != nil || len(audit) != 1 {
		t.Errorf("refused changes left an audit of %d entries, %v; want only the placement", len(audit), err)
	}
}

func testOrderAudit(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	o := place(t, s, SampleOrder("session-a", "key-1"))
	other := place(t, s, SampleOrder("session-b", "key-2"))
	placed := store.AuditEntry{At: o.CreatedAt, Actor: "customer", From: "", To: store.StatusSubmitted, Reason: "order placed"}

	requireAudit := func(what, id string, want []store.AuditEntry) {
		t.Helper()
		got, err := s.OrderAudit(t.Context(), id)
		if err != nil {
			t.Fatalf("%s: OrderAudit: %v", what, err)
		}
		for _, d := range Diff(want, got) {
			t.Errorf("%s: audit%s", what, d)
		}
		for _, e := range got {
			if e.At.Location() != time.UTC {
				t.Errorf("%s: audit time %v, want UTC", what, e.At)
			}
		}
	}
	requireAudit("placed", o.ID, []store.AuditEntry{placed})

	reason := "PO 4711 received; '; DROP TABLE order_audit;-- 已确认 %_"
	before := time.Now().UTC().Truncate(time.Microsecond)
	setStatus(t, s, o.ID, store.StatusConfirmed, rep.ID, reason)
	after := time.Now().UTC()
	s.SetOrderStatus(t.Context(), o.ID, store.StatusCancelled, rep.ID, "too late") // refused

	got, err := s.OrderAudit(t.Context(), o.ID)
	if err != nil || len(got) != 2 {
		t.Fatalf("OrderAudit = %v, %v; want the placement and the confirmation", got, err)
	}
	if got[1].At.Before(before) || got[1].At.After(after) || got[1].At.Before(got[0].At) {
		t.Errorf("confirmed at %v, want between %v and %v, after the placement %v", got[1].At, before, after, got[0].At)
	}
	requireAudit("confirmed", o.ID, []store.AuditEntry{placed,
		{At: got[1].At, Actor: rep.ID, From: store.StatusSubmitted, To: store.StatusConfirmed, Reason: reason}})

	requireAudit("another order", other.ID, []store.AuditEntry{{At: other.CreatedAt, Actor: "customer",
		To: store.StatusSubmitted, Reason: "order placed"}})
	setStatus(t, s, other.ID, store.StatusCancelled, "ops@example.com", "fraud check")
	if a, _ := s.OrderAudit(t.Context(), other.ID); len(a) != 2 || a[1].Actor != "ops@example.com" ||
		a[1].To != store.StatusCancelled || a[1].Reason != "fraud check" {
		t.Errorf("cancelled order's audit = %+v", a)
	}
	if a, _ := s.OrderAudit(t.Context(), o.ID); len(a) != 2 {
		t.Errorf("cancelling another order changed this one's audit: %+v", a)
	}

	for _, id := range []string{"ord_aaaaaaaaaaaaaaaaaaaaaaaaaa", "", "' OR 1=1 --"} {
		if _, err := s.OrderAudit(t.Context(), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("OrderAudit(%q): err = %v, want ErrNotFound", id, err)
		}
	}
}

func testConcurrentTransitions(t *testing.T, db database) {
	s := db.open(t)
	rep := addUser(t, s, "rep@example.com")
	const orders, clicks = 4, 8
	var ids [orders]string
	for i := range orders {
		ids[i] = place(t, s, SampleOrder("session-a", fmt.Sprintf("key-%d", i))).ID
	}
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  [orders][clicks]error
	)
	to := func(j int) string {
		if j%2 == 0 {
			return store.StatusConfirmed
		}
		return store.StatusCancelled
	}
	for i := range orders {
		for j := range clicks {
			wg.Go(func() {
				<-start
				_, errs[i][j] = s.SetOrderStatus(t.Context(), ids[i], to(j), rep.ID, fmt.Sprintf("click %d", j))
			})
		}
	}
	close(start)
	wg.Wait()

	for i := range orders {
		winner := -1
		for j := range clicks {
			switch err := errs[i][j]; {
			case err == nil && winner >= 0:
				t.Errorf("order %d: clicks %d and %d both changed it", i, winner, j)
			case err == nil:
				winner = j
			case !errors.Is(err, store.ErrBadTransition):
				t.Errorf("order %d, click %d: err = %v, want ErrBadTransition", i, j, err)
			}
		}
		if winner < 0 {
			t.Errorf("order %d: no click changed it", i)
			continue
		}
		if got := get(t, s, ids[i]).Status; got != to(winner) {
			t.Errorf("order %d is %s, want %s as the winning click said", i, got, to(winner))
		}
		audit, err := s.OrderAudit(t.Context(), ids[i])
		if err != nil || len(audit) != 2 {
			t.Errorf("order %d: audit %+v, %v; want the placement and one change", i, audit, err)
			continue
		}
		if audit[1].To != to(winner) || audit[1].Reason != fmt.Sprintf("click %d", winner) {
			t.Errorf("order %d: audit records %s (%s), want the winner's %s (click %d)",
				i, audit[1].To, audit[1].Reason, to(winner), winner)
		}
	}
}
