package dev.pq.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its ChromeDriver: {@code /usr/bin/chromium} and
 * {@code /usr/bin/chromedriver} (packages chromium and chromium-driver, which {@code .ci/run}
 * installs). Without them the browser tests are skipped, unless {@code PQ_REQUIRE_BROWSER=1}
 * (as in CI) makes that a failure.
 */
final class Browser {
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("PQ_CHROMIUM", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getenv().getOrDefault("PQ_CHROMEDRIVER", "/usr/bin/chromedriver"));

    private Browser() {
    }

    static ChromeDriver start(Path profile) {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present && "1".equals(System.getenv("PQ_REQUIRE_BROWSER"))) {
            throw new AssertionError("PQ_REQUIRE_BROWSER=1 but " + CHROMIUM + " or " + DRIVER
                    + " is missing: apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(present, "no " + CHROMIUM + " and " + DRIVER
                + " (apt-get install chromium chromium-driver): browser tests skipped");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1400,1000",
                "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().window().setSize(new Dimension(1400, 1000));
        return driver;
    }

    /** Writes a screenshot of the page to target/screenshots/NAME.png, and to -Dpq.screenshots=DIR when given. */
    static void screenshot(ChromeDriver driver, String name) throws IOException {
        Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.copy(shot, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        String docs = System.getProperty("pq.screenshots");
        if (docs != null) {
            Files.createDirectories(Path.of(docs));
            Files.copy(shot, Path.of(docs, name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
