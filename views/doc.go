// Package views renders the console's HTML with templ: the layout every page shares,
// the pages, and the error pages. Views take view models (Page and per-page props),
// never a store or the pricing engine, and do no HTTP: handlers render them.
package views
