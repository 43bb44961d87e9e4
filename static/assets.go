package static

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"
)

// Prefix is the URL path under which the assets are served.
const Prefix = "/static/"

// hashLen is the number of hex digits of the SHA-256 kept in URLs and ETags:
// 48 bits tell apart the few versions of one file with room to spare.
const hashLen = 12

// Assets is the set of asset files with their content hashes. It never changes after
// Load, so one value is safe to share between requests.
type Assets struct {
	byName   map[string]*asset // "css/app.css"
	byHashed map[string]*asset // "css/app.3f2a9c1b7d4e.css"
}

type asset struct {
	name        string // logical name, "css/app.css"
	hashedName  string // "css/app.3f2a9c1b7d4e.css"
	hash        string
	contentType string
	body        []byte
}

// Load reads every file of fsys (use Embedded in production) and hashes it.
func Load(fsys fs.FS) (*Assets, error) {
	a := &Assets{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		f := &asset{
			name:        name,
			hash:        hex.EncodeToString(sum[:])[:hashLen],
			contentType: contentType(name),
			body:        body,
		}
		f.hashedName = withHash(name, f.hash)
		a.byName[name] = f
		a.byHashed[f.hashedName] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static assets: %w", err)
	}
	return a, nil
}

// Path returns the URL of the asset named name ("css/app.css"), with its content
// hash in the file name. An unknown name gives the unhashed URL, which answers 404:
// a typo shows up as a broken asset in any page test rather than as a panic.
func (a *Assets) Path(name string) string {
	if f, ok := a.byName[name]; ok {
		return Prefix + f.hashedName
	}
	return Prefix + name
}

// withHash puts hash before the extension: "css/app.css" → "css/app.<hash>.css".
func withHash(name, hash string) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hash + ext
}

// withoutHash undoes withHash for any hash-shaped segment, so that a URL from an older
// build ("css/app.<old hash>.css") can still be matched to its file.
func withoutHash(name string) (string, bool) {
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	dot := strings.LastIndexByte(stem, '.')
	if dot < 0 || len(stem)-dot-1 != hashLen || !isHex(stem[dot+1:]) {
		return "", false
	}
	return stem[:dot] + ext, true
}

func isHex(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// contentType is fixed for the types we ship, because mime.TypeByExtension reads the
// machine's own tables and could differ between a laptop and production.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
