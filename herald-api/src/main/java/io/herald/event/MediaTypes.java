package io.herald.event;

import java.util.Locale;

/** What a {@code datacontenttype} says about the data, decided once for every codec. Stateless. */
final class MediaTypes {

    private MediaTypes() {
    }

    /**
     * Whether the media type declares JSON: CloudEvents JSON format 1.0.2 section 3.1, "its media
     * type, when stripped of parameters, has the form &#42;/json or &#42;/&#42;+json"
     * ({@code application/json}, {@code text/json}, {@code application/vnd.shop+json; v=2}),
     * compared without regard to case as RFC 2045 compares media types.
     */
    static boolean isJson(String contentType) {
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        int slash = mediaType.indexOf('/');
        if (slash <= 0) {
            return false;
        }
        String subtype = mediaType.substring(slash + 1);
        return subtype.equals("json") || (subtype.endsWith("+json") && subtype.length() > "+json".length());
    }
}
