// Package web is the console's HTTP layer: the router with every route (routes.go)
// and the middleware every request passes through. It is the only package that
// imports chi; handlers and views know nothing of routing.
package web
