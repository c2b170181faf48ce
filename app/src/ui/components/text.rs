//! Text that the view macro would otherwise put into the server's HTML unescaped.

/// The initial content of a `<textarea>`. Leptos treats a textarea's children like a
/// script's: it writes them into the server's HTML as they are, so a stored draft
/// `</textarea><img src=x onerror=…>` would close the element and run in the reader's
/// session. On the server the text is escaped here (the HTML parser decodes the entities
/// back inside the textarea), and a leading newline is doubled because the parser drops
/// the first one. In the browser the child becomes a text node, which is never parsed as
/// HTML, so it stays as typed.
pub fn textarea_text(text: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        let escaped = html_escape::encode_text(text);
        if text.starts_with('\n') {
            format!("\n{escaped}")
        } else {
            escaped.into_owned()
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        text.to_owned()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::textarea_text;

    #[test]
    fn markup_in_a_textarea_is_escaped_on_the_server() {
        let out = textarea_text("</textarea><img src=x onerror=alert(1)> & co");
        assert_eq!(
            out,
            "&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt; &amp; co"
        );
        assert_eq!(textarea_text("\nпервая строка"), "\n\nпервая строка");
        assert_eq!(textarea_text("обычный текст"), "обычный текст");
    }
}
