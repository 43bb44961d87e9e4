package static

import (
	"embed"
	"io/fs"
)

// files is the asset tree compiled into the binary. embed needs a package variable;
// it is read-only, and nothing else in the package keeps state.
//
//go:embed css js img
var files embed.FS

// Embedded returns the asset files compiled into the binary, for Load.
func Embedded() fs.FS { return files }
