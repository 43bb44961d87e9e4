package testserver

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// TryReviewForm is ReviewForm for code that expects failures (a database going away
// under load) or runs outside the test's goroutine: it returns the status and an error
// instead of failing the test. The status is 0 when no response came.
func (c *Client) TryReviewForm(ctx context.Context, estimate string) (url.Values, int, error) {
	path := "/purchase/" + estimate
	code, body, _, err := c.TryGet(ctx, path)
	if err != nil {
		return nil, code, err
	}
	if code != http.StatusOK {
		return nil, code, fmt.Errorf("review page %s: %d", path, code)
	}
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], m[2])
	}
	if form.Get("token") == "" {
		return nil, code, fmt.Errorf("review page %s has no token", path)
	}
	form.Set("account_id", "100012345678")
	form.Set("contact_name", "Ada Lovelace")
	form.Set("contact_email", "ada@example.com")
	form.Set("accept_terms", "yes")
	return form, code, nil
}

// TryGet is Get returning an error (no response, or the context ended) rather than
// failing the test.
func (c *Client) TryGet(ctx context.Context, path string) (int, string, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+path, nil)
	if err != nil {
		return 0, "", nil, err
	}
	return c.do(req)
}

// TryPost is Post returning an error rather than failing the test.
func (c *Client) TryPost(ctx context.Context, path string, form url.Values) (int, string, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, "", nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *Client) do(req *http.Request) (int, string, http.Header, error) {
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	return readAll(resp)
}

func readAll(resp *http.Response) (int, string, http.Header, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header, err
}
