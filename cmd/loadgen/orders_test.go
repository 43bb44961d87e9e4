package main

import "testing"

func TestVerifyWantsExactlyTheAcknowledgedOrders(t *testing.T) {
	l := newLedger()
	for _, id := range []string{"ord_a", "ord_b", "ord_c"} {
		l.add(id)
	}
	if v := verify("SQLite", l, []string{"ord_c", "ord_a", "ord_b"}); !v.OK() {
		t.Errorf("same orders: %s", v)
	}
	v := verify("SQLite", l, []string{"ord_a", "ord_b", "ord_x"})
	if v.OK() || v.Missing != 1 || v.Unacknowledged != 1 {
		t.Errorf("one lost, one extra: %+v", v)
	}
	l.add("ord_a") // two forms acknowledged with one order
	if v := verify("SQLite", l, []string{"ord_a", "ord_b", "ord_c"}); v.OK() || v.Duplicates != 1 {
		t.Errorf("a duplicate acknowledgement: %+v", v)
	}
}

func TestParseFlagsQuickShortensAndDropsTheSoak(t *testing.T) {
	env := func(k string) string {
		if k == "TEST_DATABASE_URL" {
			return "postgres://x"
		}
		return ""
	}
	c, err := parseFlags([]string{"-quick"}, env, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.duration.Seconds() != 2 || c.soak != 0 || c.conns != 64 || c.databaseURL != "postgres://x" {
		t.Errorf("quick: %+v", c)
	}
	c, err = parseFlags([]string{"-quick", "-soak", "30s", "-run", "quote"}, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.soak.Seconds() != 30 || c.databaseURL != "" || !c.only.MatchString("quote API") || c.only.MatchString("orders SQLite") {
		t.Errorf("quick with a soak: %+v", c)
	}
}
