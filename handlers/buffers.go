package handlers

import (
	"bytes"
	"sync"
)

// An answer is built whole in memory before it is sent (see render), and most answers
// are 5 to 15 kB: a buffer from a pool saves growing a new one through 64 bytes, 128,
// ... 16 kB for every page, which was a third of the bytes an estimator page
// allocated.
var answerBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledAnswer: a buffer that grew beyond this (a long CSV export, say) goes to
// the collector rather than pinning its memory in the pool.
const maxPooledAnswer = 256 << 10

func getAnswerBuffer() *bytes.Buffer { return answerBuffers.Get().(*bytes.Buffer) }

// putAnswerBuffer returns b to the pool. The caller must hold no reference to its
// bytes: a ResponseWriter's Write does not keep them (io.Writer's contract).
func putAnswerBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledAnswer {
		return
	}
	b.Reset()
	answerBuffers.Put(b)
}
