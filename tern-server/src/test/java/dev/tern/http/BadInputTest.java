package dev.tern.http;

import dev.tern.testing.CapturedLog;
import dev.tern.testing.RunningTern;
import dev.tern.testing.TernHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a client sends, bad input gets a 4xx with a message, never a 500 nor an ERROR line in the log, and the
 * server stays up.
 */
class BadInputTest {
    private static CapturedLog log;
    private static RunningTern tern;
    private static TernHttp http;
    private static String key;

    @BeforeAll
    static void start() {
        log = CapturedLog.start();
        tern = RunningTern.start("--long-poll-timeout", "200ms");
        http = new TernHttp(tern);
        key = tern.superUserKey();
        tern.createCache("bad");
    }

    @AfterAll
    static void stop() {
        tern.close();
        log.close();
    }

    /** Columns: method, raw path and query, Authorization ("KEY" for the super-user key, empty for none), body. */
    @ParameterizedTest(name = "{0} {1} auth={2}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "POST   | /topics/bad/t                          | Bearer           | x",
            "POST   | /topics/bad/t                          | 'Bearer  '       | x",
            "POST   | /topics/bad/t                          | KEY.             | x",
            "POST   | /topics/bad/t                          | ....             | x",
            "POST   | /topics/bad/t                          | eyJ.eyJ.         | x",
            "POST   | /topics/bad/t?token=                   | NONE             | x",
            "POST   | /topics/bad/t?token=%00                | NONE             | x",
            "POST   | /topics/bad/t?token=a&token=b          | NONE             | x",
            "GET    | /topics/bad/t?sequence_number=1e3      | KEY              | ''",
            "GET    | /topics/bad/t?sequence_page=-0.0       | KEY              | ''",
            "GET    | /topics/bad/t?sequence_number=+1       | KEY              | ''",
            "GET    | /topics/bad/t?sequence_number=%2D1     | KEY              | ''",
            "POST   | /topics/bad/t%0Ax                      | KEY              | x",
            "POST   | /topics/%20/t                          | KEY              | x",
            "POST   | /topics                                | KEY              | x",
            "POST   | /topics/                               | KEY              | x",
            "GET    | /topics                                | KEY              | ''",
            "PUT    | /topics/bad/t                          | KEY              | x",
            "PATCH  | /caches/bad                            | KEY              | x",
            "PUT    | /caches/                               | KEY              | ''",
            "PUT    | /caches/x?token=%                      | NONE             | ''",
            "PUT    | /caches/nested                         | KEY              | '{\"max_publish_rate\": {\"a\": [1]}}'",
            "PUT    | /caches/number                         | KEY              | '42'",
            "POST   | /tokens                                | KEY              | '{\"expires_in_seconds\": 1e400, \"permissions\": \"super_user\"}'",
            "POST   | /tokens                                | KEY              | '{\"expires_in_seconds\": 99999999999999999999, \"permissions\": \"super_user\"}'",
            "POST   | /tokens                                | KEY              | '{\"expires_in_seconds\": 60, \"permissions\": [null]}'",
            "POST   | /tokens                                | KEY              | '{\"expires_in_seconds\": 60, \"permissions\": [{\"role\": null, \"cache\": 1, \"topic\": []}]}'",
            "POST   | /tokens                                | KEY              | '{\"expires_in_seconds\": 60, \"permissions\": [{\"role\": \"publishonly\", \"cache\": \"*\", \"topic\": {\"prefix\": \"\"}}]}'",
            "POST   | /tokens                                | KEY              | '{\"expires_in_seconds\": 60, \"token_id\": \"" + "x" + "\", \"permissions\": {}}'",
            "POST   | /tokens                                | KEY              | '\"just a string\"'",
            "DELETE | /caches/                               | KEY              | ''",
            "DELETE | /caches/%ZZ                            | KEY              | ''",
            "PUT    | /caches/a%ZZ                           | KEY              | ''",
            "PUT    | /caches/%E0%A4%A                       | KEY              | ''",
            "GET    | /console/%ZZ                           | NONE             | ''",
            "GET    | /%ZZ                                   | NONE             | ''",
            "GET    | /%                                     | NONE             | ''",
            "GET    | /livez%                                | NONE             | ''",
            "GET    | /metrics?x=%                           | NONE             | ''",
    })
    void neverAServerError(String method, String rawPathAndQuery, String authorization, String body) {
        String credential = authorization == null ? null : authorization.replace("KEY", key);
        int errorsBefore = log.errorLines().size();
        int status = http.rawStatus(method, rawPathAndQuery, credential, body);
        assertThat(status).isBetween(400, 499);
        assertThat(log.errorLines()).as("ERROR lines logged for a client's mistake").hasSize(errorsBefore);
        assertThat(http.send(http.request("/livez").GET().build()).statusCode()).isEqualTo(200);
    }

    /** Control-plane bodies under content types the routes do not expect: still JSON or a 400, never an ERROR line. */
    @ParameterizedTest(name = "{0} {1} as {2}")
    @CsvSource(delimiter = '|', value = {
            "PUT  | /caches/form-a   | application/x-www-form-urlencoded     | a=%ZZ&b",
            "PUT  | /caches/form-b   | application/x-www-form-urlencoded     | %",
            "POST | /tokens          | application/x-www-form-urlencoded     | expires_in_seconds=%E0%A4",
            "PUT  | /caches/multi    | multipart/form-data; boundary=xyz     | --xyzCRLFbroken",
            "POST | /tokens          | multipart/form-data                   | x--",
            "PUT  | /caches/enc      | 'application/json; charset=bogus-42'  | '{}'",
            "GET  | /caches/         | multipart/form-data; boundary=x       | ''",
            "GET  | /caches          | multipart/form-data; boundary=x       | ''",
            "DELETE | /caches/none   | multipart/form-data; boundary=x       | ''",
    })
    void oddContentTypesOnControlBodies(String method, String path, String contentType, String body) {
        int errorsBefore = log.errorLines().size();
        int status = tern.send(method, path, contentType, body.replace("CRLF", "\r\n")).statusCode();
        assertThat(status).isLessThan(500);
        assertThat(log.errorLines()).as("ERROR lines logged for a client's mistake").hasSize(errorsBefore);
        assertThat(http.send(http.request("/livez").GET().build()).statusCode()).isEqualTo(200);
    }
}
