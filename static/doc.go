// Package static owns the console's CSS, JavaScript and images: it embeds them in the
// binary, names each one by a hash of its content, and serves them.
//
// Pages link to assets through Assets.Path, which returns a URL holding the content
// hash (/static/css/app.3f2a9c1b7d4e.css). A changed file gets a new URL, so a URL
// whose hash matches can be cached by browsers for a year without ever going stale.
package static
