package testserver

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Client is one browser session over plain HTTP: its own cookies, and redirects
// returned rather than followed, so tests see them.
type Client struct {
	t    testing.TB
	Base string
	HTTP *http.Client
}

// NewClient returns a client of the console at base (http://host:port).
func NewClient(t testing.TB, base string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, Base: base, HTTP: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Get fetches path and returns the status, the body and the headers.
func (c *Client) Get(path string) (int, string, http.Header) {
	c.t.Helper()
	resp, err := c.HTTP.Get(c.Base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	return read(c.t, resp)
}

// GetWith fetches path with extra headers.
func (c *Client) GetWith(path string, header http.Header) (int, string, http.Header) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.Base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return read(c.t, resp)
}

// Post sends a form to path, with extra headers.
func (c *Client) Post(path string, form url.Values, header http.Header) (int, string, http.Header) {
	c.t.Helper()
	resp, err := c.post(path, form, header)
	if err != nil {
		c.t.Fatal(err)
	}
	return read(c.t, resp)
}

func (c *Client) post(path string, form url.Values, header http.Header) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, c.Base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	return c.HTTP.Do(req)
}

func read(t testing.TB, resp *http.Response) (int, string, http.Header) {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body), resp.Header
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)"`)

// ReviewForm opens the review page of an estimate ("ssm?region=...") and returns its
// form, filled in with a valid buyer and the terms accepted, ready to post to /orders.
func (c *Client) ReviewForm(estimate string) url.Values {
	c.t.Helper()
	return c.ReviewFormAt("/purchase/" + estimate)
}

// ReviewFormAt is ReviewForm for the review page at path (a shared quote's
// /s/TOKEN/purchase, say).
func (c *Client) ReviewFormAt(path string) url.Values {
	c.t.Helper()
	code, body, _ := c.Get(path)
	if code != http.StatusOK {
		c.t.Fatalf("review page %s: %d", path, code)
	}
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], m[2])
	}
	form.Set("account_id", "100012345678")
	form.Set("contact_name", "Ada Lovelace")
	form.Set("contact_email", "ada@example.com")
	form.Set("accept_terms", "yes")
	return form
}

// PlaceOrder posts a review form and returns the ID of the order it ends on. It
// returns an error rather than failing the test, for tests that expect failures
// (a killed server).
func (c *Client) PlaceOrder(form url.Values) (string, error) {
	resp, err := c.post("/orders", form, nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/orders/") {
		return "", fmt.Errorf("place order: status %d, Location %q", resp.StatusCode, loc)
	}
	return strings.TrimPrefix(loc, "/orders/"), nil
}

var orderLink = regexp.MustCompile(`href="/orders/(ord_[a-z0-9]+)"`)

// MyOrders returns the IDs "My orders" lists for this session, newest first.
func (c *Client) MyOrders() []string {
	c.t.Helper()
	code, body, _ := c.Get("/orders")
	if code != http.StatusOK {
		c.t.Fatalf("My orders: %d", code)
	}
	var ids []string
	for _, m := range orderLink.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}
