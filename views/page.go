package views

// ProductName is shown in the header and in every page title. It names neither
// service in full on purpose: the home page's links "Secrets Manager" and
// "Key Management Service" must be the only links with those names.
const ProductName = "KMS & SSM Console"

// defaultDescription is the meta description of a page that gives none.
const defaultDescription = "Estimate the cost of Tencent Cloud Key Management Service " +
	"and Secrets Manager, and buy them."

// AssetPaths gives the URL of a static file by its name ("css/app.css");
// *static.Assets satisfies it.
type AssetPaths interface {
	Path(name string) string
}

// Page is what the layout needs from every handler.
type Page struct {
	Title       string // the page's own title; the layout adds ProductName
	Description string // meta description; empty uses a site-wide one
	Path        string // the request's URL path, to mark the current nav link
	Assets      AssetPaths
	// PriceBook names the price book in force, for the footer ("2025-03-26.1,
	// effective 2025-03-26"); empty leaves it out.
	PriceBook string
}

func (p Page) fullTitle() string {
	if p.Title == "" {
		return ProductName
	}
	return p.Title + " · " + ProductName
}

func (p Page) description() string {
	if p.Description == "" {
		return defaultDescription
	}
	return p.Description
}
