// Package handlers turns HTTP requests into responses: each handler decodes its input,
// asks the domain or the store, and renders a view. Handlers hold no state of their
// own; their dependencies come in through Deps. Routing and middleware live in web.
package handlers
