-- The registrering decision written by hand as one DuckDB CASE query: the peer
-- that bench/bench_sql.py measures the compiled query against. It reads a view
-- `cases` (all columns text, as read_csv(all_varchar) gives them) and gives the
-- seven outputs; an analyst's version checks nothing and explains nothing, so
-- rows the rulebook cannot decide (no rule, invalid input) get null outputs.
-- DuckDB turns its longer IN lists into joins, which give the rows back in another
-- order than the file's: bench_sql.py compares them as (inputs, outputs) pairs.
WITH r AS (
    SELECT *,
        CASE
            WHEN yrkesroll = 'sjuksköterska' AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" = 'egenvårdsråd' AND vidare = 'nej' AND "ersätter_besök" = 'false' THEN 1
            WHEN yrkesroll = 'sjuksköterska' AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" = 'egenvårdsråd' AND vidare = 'nej' AND "ersätter_besök" = 'true' THEN 2
            WHEN yrkesroll = 'sjuksköterska' AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" = 'åtgärd/behandling' AND vidare = 'nej' AND "ersätter_besök" = 'true' THEN 3
            WHEN yrkesroll = 'sjuksköterska' AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" IS NULL AND vidare = 'fysiskt besök' AND "ersätter_besök" = 'false' THEN 4
            WHEN yrkesroll = 'sjuksköterska' AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" IS NULL AND vidare = 'fysiskt besök' AND "ersätter_besök" = 'true' THEN 5
            WHEN yrkesroll = 'sjuksköterska' AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" IS NULL AND vidare = 'digitalt samma enhet samma dag' AND "ersätter_besök" IN ('true', 'false') THEN 6
            WHEN yrkesroll = 'sjuksköterska' AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" IS NULL AND vidare = 'digitalt samma enhet annan dag' AND "ersätter_besök" = 'false' THEN 7
            WHEN yrkesroll = 'sjuksköterska' AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" IS NULL AND vidare = 'digitalt samma enhet annan dag' AND "ersätter_besök" = 'true' THEN 8
            WHEN yrkesroll = 'sjuksköterska' AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" IS NULL AND vidare = 'digitalt annan enhet' AND "ersätter_besök" = 'false' THEN 9
            WHEN yrkesroll = 'sjuksköterska' AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" IS NULL AND vidare = 'digitalt annan enhet' AND "ersätter_besök" = 'true' THEN 10
            WHEN yrkesroll IN ('sjuksköterska', 'läkare') AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" IS NULL AND vidare = 'enhet utan 1177 direkt' AND "ersätter_besök" = 'false' THEN 11
            WHEN yrkesroll IN ('sjuksköterska', 'läkare') AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" IS NULL AND vidare = 'enhet utan 1177 direkt' AND "ersätter_besök" = 'true' THEN 12
            WHEN yrkesroll IN ('läkare', 'annan vårdpersonal') AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" IS NULL AND vidare = 'nej' AND "ersätter_besök" = 'false' THEN 13
            WHEN yrkesroll IN ('läkare', 'annan vårdpersonal') AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" IS NULL AND vidare = 'nej' AND "ersätter_besök" = 'true' THEN 14
            WHEN yrkesroll IN ('läkare', 'annan vårdpersonal') AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" IS NULL AND vidare = 'fysiskt besök' AND "ersätter_besök" = 'false' THEN 15
            WHEN yrkesroll IN ('läkare', 'annan vårdpersonal') AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" IS NULL AND vidare = 'fysiskt besök' AND "ersätter_besök" = 'true' THEN 16
            WHEN yrkesroll IN ('läkare', 'annan vårdpersonal') AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" = 'åtgärd/behandling' AND vidare = 'nej' AND "ersätter_besök" = 'true' THEN 17
            WHEN yrkesroll = 'läkare' AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" = 'receptförnyelse' AND vidare = 'nej' AND "ersätter_besök" = 'false' THEN 18
            WHEN yrkesroll = 'läkare' AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" = 'receptförnyelse' AND vidare = 'nej' AND "ersätter_besök" = 'true' THEN 19
            WHEN yrkesroll IN ('läkare', 'annan vårdpersonal') AND kontakt IN ('1177 direkt', 'telefon') AND "ärendetyp" = 'remiss' AND vidare = 'nej' AND "ersätter_besök" = 'true' THEN 20
            WHEN (yrkesroll IN ('sjuksköterska', 'läkare', 'annan vårdpersonal')) AND kontakt = 'fysiskt besök' AND "ärendetyp" IS NULL AND vidare IS NULL AND "ersätter_besök" IN ('true', 'false') THEN 21
        END AS regel,
        CASE
            WHEN kontakt = '1177 direkt' AND "ersätter_besök" = 'false' THEN 'Text som inte ersätter besök'
            WHEN kontakt = '1177 direkt' AND "ersätter_besök" = 'true' THEN 'Distanskontakt realtid bild/ljud/chatt'
            WHEN kontakt = 'telefon' AND "ersätter_besök" = 'false' THEN 'Telefonsamtal'
            WHEN kontakt = 'telefon' AND "ersätter_besök" = 'true' THEN 'Telefonsamtal som ersätter besök'
            WHEN kontakt = 'fysiskt besök' THEN 'Mottagningsbesök'
        END AS kontakttyp
    FROM cases
)
SELECT
    yrkesroll, kontakt, "ärendetyp", vidare, "ersätter_besök",
    CASE WHEN regel = 6 THEN false WHEN regel IS NOT NULL THEN true END AS registreras,
    CASE WHEN regel IS NOT NULL AND regel <> 6 THEN kontakttyp END AS "vårdkontakt",
    CASE WHEN regel = 6 THEN false WHEN regel IS NOT NULL THEN kontakttyp <> 'Mottagningsbesök' END AS attribut_1177_direkt,
    CASE WHEN regel = 6 THEN false WHEN regel IS NOT NULL THEN true END AS dokumentera_i_journalen,
    CASE WHEN regel IN (1, 4, 6, 7, 9, 11, 13, 15, 18) THEN false WHEN regel IS NOT NULL THEN true END AS diagnos_och_kva,
    CASE WHEN regel IS NOT NULL AND regel NOT IN (6, 21) THEN '1177 direkt' END AS anteckningsmall,
    CASE WHEN regel IN (6, 7, 8, 9, 10) THEN 'mottagaren' WHEN regel IS NOT NULL AND regel <> 21 THEN 'jag' END AS "avslutar_ärendet"
FROM r
