//! A browser's side of the pages, without a browser: a session cookie, form posts with the
//! page's CSRF token, no redirects followed (the tests look at them).

use super::TestServer;

/// One answer of the pages.
pub struct PageResp {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookie: Vec<String>,
    pub csp: Option<String>,
    pub content_type: String,
    pub body: String,
    /// The body as sent (a PDF).
    pub bytes: Vec<u8>,
}

impl PageResp {
    /// The CSRF token of the page's first form.
    pub fn csrf(&self) -> String {
        field_value(&self.body, "csrf").expect("the page has a form with a CSRF token")
    }
}

/// The value of the first hidden or text input named `name`.
pub fn field_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let value = tag.split("value=\"").nth(1)?;
    Some(unescape(value.split('"').next()?))
}

/// What a browser would send for the form posting to `action` on the page, as it stands: every
/// named text, hidden and password input, ticked checkboxes and radio buttons, and the selected
/// option of each select.
pub fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let form = &html[start..];
    let form = &form[..form.find("</form>").unwrap_or(form.len())];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let key = format!(" {name}=\"");
        let at = tag.find(&key)? + key.len();
        Some(unescape(&tag[at..at + tag[at..].find('"')?]))
    };
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut in_select = false;
    for part in form.split('<').skip(1) {
        let tag = part.split('>').next().unwrap_or_default();
        if let Some(rest) = tag.strip_prefix("input") {
            let Some(name) = attr(rest, "name") else {
                continue;
            };
            let kind = attr(rest, "type").unwrap_or_else(|| "text".into());
            if (kind == "checkbox" || kind == "radio") && !rest.contains(" checked") {
                continue;
            }
            fields.push((name, attr(rest, "value").unwrap_or_default()));
        } else if let Some(rest) = tag.strip_prefix("textarea") {
            let content = part.split_once('>').map_or("", |(_, c)| c);
            fields.push((attr(rest, "name").unwrap_or_default(), unescape(content)));
        } else if let Some(rest) = tag.strip_prefix("select") {
            // The select's value is its selected option's, else blank.
            in_select = true;
            fields.push((attr(rest, "name").unwrap_or_default(), String::new()));
        } else if let Some(rest) = tag.strip_prefix("option") {
            if in_select
                && rest.contains(" selected")
                && let Some(last) = fields.last_mut()
            {
                last.1 = attr(rest, "value").unwrap_or_default();
            }
        } else if tag.starts_with("/select") {
            in_select = false;
        }
    }
    fields
}

/// Sets `name` to `value` in `fields` (adding it when missing).
pub fn set_field(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(field) => field.1 = value.to_owned(),
        None => fields.push((name.to_owned(), value.to_owned())),
    }
}

/// The fields as `post` takes them.
pub fn as_pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A signed-in (or not yet) browser on the pages of `server`.
pub struct Browser<'s> {
    server: &'s TestServer,
    agent: ureq::Agent,
    cookie: Option<String>,
}

impl<'s> Browser<'s> {
    pub fn new(server: &'s TestServer) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .new_agent();
        Self {
            server,
            agent,
            cookie: None,
        }
    }

    /// Signs in through the login form; panics unless it succeeds.
    pub fn signed_in(server: &'s TestServer, username: &str) -> Self {
        let mut browser = Self::new(server);
        let answer = browser.login(username, super::PASSWORD);
        assert_eq!(answer.status, 303, "login of {username}: {}", answer.body);
        browser
    }

    pub fn login(&mut self, username: &str, password: &str) -> PageResp {
        let answer = self.post("/login", &[("username", username), ("password", password)]);
        if let Some(cookie) = answer
            .set_cookie
            .iter()
            .find(|c| c.starts_with("sasaeai_session="))
        {
            let value = cookie.split(';').next().unwrap_or_default().to_owned();
            self.cookie = Some(value).filter(|v| v != "sasaeai_session=");
        }
        answer
    }

    fn finish(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> PageResp {
        let mut response = response.expect("request reaches the server");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header("location");
        let csp = header("content-security-policy");
        let content_type = header("content-type").unwrap_or_default();
        let set_cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        let status = response.status().as_u16();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .unwrap_or_default();
        PageResp {
            status,
            location,
            set_cookie,
            csp,
            content_type,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    pub fn get(&self, path: &str) -> PageResp {
        let mut request = self.agent.get(&self.server.url(path));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        Self::finish(request.call())
    }

    /// Posts a form as a browser does: urlencoded, with the cookie and this server as Origin.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> PageResp {
        self.post_from(path, fields, &self.server.base)
    }

    /// Posts a form as if from a page of `origin`.
    pub fn post_from(&self, path: &str, fields: &[(&str, &str)], origin: &str) -> PageResp {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut request = self
            .agent
            .post(&self.server.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", origin);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        Self::finish(request.send(body.as_bytes()))
    }
}
