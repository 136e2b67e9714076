//! Template engines rendered by handlers: tera (`Context::insert`, `Context::from_serialize`),
//! minijinja (`context!`), handlebars (`render("page", &data)`), Rocket's dynamic templates
//! (`Template::render("page", ..)`) and maud (`html!` splices). What a handler puts into a
//! page is shown where the template prints it (see `lower::handler`, `Index::shown_words`).

use super::Framework;

/// tera, minijinja, handlebars, `rocket_dyn_templates` and maud.
pub const TEMPLATES: Framework = Framework {
    name: "templates",
    responders: &["Markup", "Template", "Html"],
    send_markers: &["Context::new", "from_serialize", "context!", ".render(", "render_template(", "html!"],
    ..Framework::EMPTY
};
