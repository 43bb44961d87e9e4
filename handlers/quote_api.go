package handlers

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"

	"kmsconsole/pricing"
)

// apiError is the body of every API error: each problem with its field ("" when the
// problem is the request as a whole).
type apiError struct {
	Errors []pricing.Problem `json:"errors"`
}

// QuoteAPI prices a JSON request: 200 with the quote, 422 listing every problem of
// the items, 400 for JSON that is not a request, 415 for another content type, 413
// over the body limit.
func (h *Handlers) QuoteAPI(w http.ResponseWriter, r *http.Request) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeAPIError(w, http.StatusUnsupportedMediaType, "send the request as Content-Type: application/json")
		return
	}
	req, err := pricing.DecodeRequest(r.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		h.TooLarge(w, r)
		return
	case pricing.IsMalformed(err):
		writeAPIError(w, http.StatusBadRequest, err.Error())
		return
	case err != nil:
		writeAPIError(w, http.StatusBadRequest, "the request body could not be read")
		return
	}
	q, err := h.compute("api", h.bk(), req)
	var invalid *pricing.ValidationError
	switch {
	case errors.As(err, &invalid):
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Errors: invalid.Problems})
		return
	case err != nil:
		h.logger(r).Error("compute quote", "err", err)
		writeAPIError(w, http.StatusInternalServerError, "the quote could not be computed")
		return
	}
	writeJSON(w, http.StatusOK, q)
}

// PriceBookAPI answers the price book in force.
func (h *Handlers) PriceBookAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, h.bk())
}

func writeAPIError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, apiError{Errors: []pricing.Problem{{Field: "", Message: message}}})
}

// writeJSON encodes v before writing anything, so that an encoding failure is a clean
// 500 rather than half a document.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var body []byte
	var err error
	if q, ok := v.(pricing.Quote); ok {
		// The same bytes as json.Marshal, one pass fewer, appended to a pooled
		// buffer's spare room (bytes.Buffer's AvailableBuffer idiom). A quote is 1 to
		// 16 kB: room for that is made once per buffer, so the append does not grow
		// a new array. When an answer still outgrows it, the Write copies it into
		// the buffer's own grown array, which the pool keeps for the next one.
		buf := getAnswerBuffer()
		defer putAnswerBuffer(buf)
		buf.Grow(16 << 10)
		buf.Write(q.AppendJSON(buf.AvailableBuffer()))
		body = buf.Bytes()
	} else {
		body, err = json.Marshal(v)
	}
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"errors":[{"field":"","message":"the answer could not be encoded"}]}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	body = append(body, '\n')
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // body's array may be pooled: Write keeps no reference
}
