// Progressive enhancement only: every page of the console works without JavaScript,
// and this file adds nothing yet. It is loaded with defer from the layout, so code
// added here runs after the document is parsed.
"use strict";
