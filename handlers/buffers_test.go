package handlers

import (
	"bytes"
	"testing"
)

func TestAnAnswerBufferComesBackEmptyAndAHugeOneIsDropped(t *testing.T) {
	b := getAnswerBuffer()
	b.WriteString("<html>the last answer</html>")
	putAnswerBuffer(b)
	for range 4 { // the pool may hand out another buffer; none may hold old bytes
		got := getAnswerBuffer()
		if got.Len() != 0 {
			t.Fatalf("a pooled buffer held %q", got.String())
		}
		defer putAnswerBuffer(got)
	}

	huge := bytes.NewBuffer(make([]byte, 0, maxPooledAnswer+1))
	putAnswerBuffer(huge)
	for range 8 {
		if got := getAnswerBuffer(); got == huge {
			t.Fatal("a buffer larger than maxPooledAnswer went back to the pool")
		}
	}
}
