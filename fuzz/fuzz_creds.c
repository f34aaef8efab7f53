/* fuzz_creds.c - libFuzzer target: what the AWS credential chain parses.
 * Line 1 names a section, line 2 a key, the rest is one document read as
 * an INI file (credentials/config), an ECS/IMDS JSON response, an STS XML
 * response, and its Expiration times. */
#include "../core/io/aws_creds.h"
#include "fuzz_text.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_fields ff;
    if (fuzz_split(&ff, data, size, 3) != 0) return 0;
    const char *section = fuzz_field(&ff, 0), *key = fuzz_field(&ff, 1), *doc = fuzz_field(&ff, 2);
    static const char *const json_keys[] = {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"};
    static const char *const xml_tags[] = {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration",
                                           "Code"};
    free(h5c_aws_ini_get(doc, section, key));
    free(h5c_aws_ini_get(doc, "default", "aws_access_key_id"));
    for (size_t i = 0; i < sizeof json_keys / sizeof *json_keys; i++) {
        char *v = h5c_aws_json_get(doc, json_keys[i]);
        if (v) h5c_aws_parse_time(v);
        free(v);
    }
    for (size_t i = 0; i < sizeof xml_tags / sizeof *xml_tags; i++) {
        char *v = h5c_aws_xml_get(doc, xml_tags[i]);
        if (v) h5c_aws_parse_time(v);
        free(v);
    }
    h5c_aws_parse_time(key);
    free(ff.buf);
    return 0;
}
