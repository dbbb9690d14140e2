//! What search engines and link previews read: `sitemap.xml`, `robots.txt` and JSON-LD.

use serde_json::{Value, json};

use super::context::{Page, Site};

/// The schema.org type that fits a business: the seed's business types first, then words of the
/// site's name and description (a bakery is a `Bakery`), else `Organization`.
pub(super) fn schema_type(business_type: Option<&str>, words: &str) -> &'static str {
    const BY_OPTION: &[(&str, &str)] = &[
        ("restaurant", "Restaurant"),
        ("medical", "MedicalClinic"),
        ("professional services", "ProfessionalService"),
        ("trades", "HomeAndConstructionBusiness"),
        ("education", "EducationalOrganization"),
        ("nonprofit", "NGO"),
        ("real estate", "RealEstateAgent"),
        ("e-commerce", "OnlineStore"),
        ("saas", "Corporation"),
        ("portfolio", "Organization"),
    ];
    const BY_WORD: &[(&str, &str)] = &[
        ("bakery", "Bakery"),
        ("patisserie", "Bakery"),
        ("café", "CafeOrCoffeeShop"),
        ("cafe", "CafeOrCoffeeShop"),
        ("coffee", "CafeOrCoffeeShop"),
        ("restaurant", "Restaurant"),
        ("trattoria", "Restaurant"),
        ("bistro", "Restaurant"),
        ("dental", "Dentist"),
        ("dentist", "Dentist"),
        ("clinic", "MedicalClinic"),
        ("physio", "MedicalClinic"),
        ("plumb", "Plumber"),
        ("electric", "Electrician"),
        ("salon", "BeautySalon"),
        ("barber", "HairSalon"),
        ("gym", "ExerciseGym"),
        ("yoga", "SportsActivityLocation"),
        ("hotel", "Hotel"),
        ("guesthouse", "LodgingBusiness"),
        ("florist", "Florist"),
        ("law", "LegalService"),
        ("accountan", "AccountingService"),
        ("estate agent", "RealEstateAgent"),
        ("shop", "Store"),
        ("store", "Store"),
    ];
    let words = words.to_lowercase();
    if let Some(t) = business_type.map(str::to_lowercase) {
        // A business type is a strong hint, but "Restaurant & Café" for a bakery is still a bakery.
        if let Some((_, ty)) = BY_WORD
            .iter()
            .take(5)
            .find(|(w, _)| words.contains(w) && t.contains("restaurant"))
        {
            return ty;
        }
        if let Some((_, ty)) = BY_OPTION.iter().find(|(k, _)| t.contains(k)) {
            return ty;
        }
    }
    BY_WORD
        .iter()
        .find(|(w, _)| words.contains(w))
        .map_or("Organization", |(_, ty)| ty)
}

/// The JSON-LD of a page: the business, and the page as part of its website.
pub(super) fn json_ld(site: &Site, page: &Page) -> String {
    let words = format!("{} {} {}", site.name, site.tagline, site.description);
    let mut org = json!({
        "@type": schema_type(site.business_type.as_deref(), &words),
        "@id": format!("{}#organization", site.base_url),
        "name": site.name,
        "url": site.base_url,
    });
    if !site.description.is_empty() {
        org["description"] = Value::String(site.description.clone());
    }
    let doc = json!({
        "@context": "https://schema.org",
        "@graph": [
            org,
            {
                "@type": "WebPage",
                "@id": page.canonical,
                "url": page.canonical,
                "name": page.meta_title,
                "description": page.meta_description,
                "isPartOf": {"@type": "WebSite", "name": site.name, "url": site.base_url},
                "publisher": {"@id": format!("{}#organization", site.base_url)}
            }
        ]
    });
    // Inside <script>, `<` could end or confuse the element; `\u003c` is the same JSON string.
    doc.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `sitemap.xml` with every page's canonical URL.
pub(super) fn sitemap(site: &Site) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in &site.pages {
        out.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            xml_escape(&page.canonical)
        ));
    }
    out.push_str("</urlset>\n");
    out
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `robots.txt`: everything may be crawled; the sitemap is named.
pub(super) fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        site.base_url
    )
}

#[cfg(test)]
mod tests {
    use super::schema_type;

    #[test]
    fn business_types_pick_a_fitting_schema_type() {
        assert_eq!(schema_type(None, "A family bakery in Porto"), "Bakery");
        assert_eq!(
            schema_type(Some("Medical Clinic"), "Sorriso"),
            "MedicalClinic"
        );
        assert_eq!(
            schema_type(Some("Restaurant & Café"), "family bakery"),
            "Bakery"
        );
        assert_eq!(
            schema_type(Some("Restaurant & Café"), "Casa Lupa"),
            "Restaurant"
        );
        assert_eq!(schema_type(None, "Acme"), "Organization");
        assert_eq!(
            schema_type(Some("B2B SaaS Platform"), "Shipfast"),
            "Corporation"
        );
    }
}
